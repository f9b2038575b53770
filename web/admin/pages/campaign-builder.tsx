import { useEffect, useState } from 'preact/hooks';
import { allItems, api, unwrap, useLoad } from '../../shared/api';
import { money, num } from '../../shared/format';
import { useSubmit, val } from '../../shared/form';
import { href, navigate } from '../../shared/router';
import { Card, Field, Loading, Problem, Stat } from '../../shared/ui';
import type { Choice } from '../campaign-extras';
import { CampaignForm } from '../campaign-form';
import { blankCampaign, campaignPointer, checkCampaign, type Campaign } from '../campaign-model';
import type { Session } from '../data';
import { mayEdit } from '../nav';
import { i18n, t } from '../t';

interface SampleLine {
  sku: string;
  category: string;
  quantity: string;
  price: string;
}

const relative = (fields: Record<string, string>) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [campaignPointer(k), v]));

/** One campaign's line of the simulator's trace (src/domain/rules/facts.ts CampaignTrace). */
interface TraceLine {
  campaignId: string;
  name: string;
  status: 'applied' | 'not_applied';
  reason: 'schedule' | 'coupon' | 'member' | 'audience' | 'condition' | 'limit' | 'budget' | 'control_group' | 'stacking' | 'no_effect' | null;
}

/** Tries the draft on a sample receipt with POST /v1/simulate: nothing is written. */
function Simulator(props: { draft: Campaign; currency: string; validate: () => boolean; onErrors: (e: Record<string, string>) => void }) {
  const [lines, setLines] = useState<SampleLine[]>([{ sku: 'MILK', category: 'dairy', quantity: '2', price: '100' }]);
  const [result, setResult] = useState<{ total: number; discount: number; points: number; bonus: number; trace: TraceLine[]; explanation: string[] }>();
  const f = useSubmit();
  const lang = i18n.lang();
  const setLine = (i: number, patch: Partial<SampleLine>) => setLines(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const simulate = () => {
    if (!props.validate()) return;
    const receiptLines = lines.map((l) => ({ sku: l.sku.trim() || 'SKU', ...(l.category.trim() ? { category: l.category.trim() } : {}), quantity: Math.max(1, Math.round(Number(l.quantity) || 1)), price: Math.round((Number(l.price.replace(',', '.')) || 0) * 100) }));
    const total = receiptLines.reduce((s, l) => s + l.quantity * l.price, 0);
    void f.run(async () => {
      try {
        const r = await unwrap(api.POST('/v1/simulate', { body: { receipt: { total, lines: receiptLines }, member: {}, rules: { working: true, campaigns: [props.draft] } } }));
        const ev = r.evaluation as { total: number; discountTotal: number; pointsEarned: number; bonusPoints: number; trace: TraceLine[] };
        setResult({ total: ev.total, discount: ev.discountTotal, points: ev.pointsEarned, bonus: ev.bonusPoints, trace: ev.trace, explanation: r.explanation });
      } catch (e) {
        props.onErrors(relative((e as { fields?: () => Record<string, string> }).fields?.() ?? {}));
        throw e;
      }
    });
  };
  return (
    <Card title={t('sim.title')} class="simulator">
      <p class="hint">{t('sim.hint')}</p>
      {lines.map((l, i) => (
        <div class="sim-line">
          <Field label={t('sim.sku')} name={`sku-${i}`}>
            {(p) => <input {...p} value={l.sku} onInput={(e) => setLine(i, { sku: val(e) })} />}
          </Field>
          <Field label={t('sim.category')} name={`category-${i}`}>
            {(p) => <input {...p} value={l.category} onInput={(e) => setLine(i, { category: val(e) })} />}
          </Field>
          <Field label={t('sim.quantity')} name={`quantity-${i}`}>
            {(p) => <input {...p} inputMode="numeric" value={l.quantity} onInput={(e) => setLine(i, { quantity: val(e) })} />}
          </Field>
          <Field label={t('sim.price')} name={`price-${i}`}>
            {(p) => <input {...p} inputMode="decimal" value={l.price} onInput={(e) => setLine(i, { price: val(e) })} />}
          </Field>
        </div>
      ))}
      <div class="row">
        <button type="button" class="secondary" onClick={() => setLines([...lines, { sku: '', category: '', quantity: '1', price: '' }])}>
          {t('sim.addLine')}
        </button>
        <button type="button" onClick={simulate} disabled={f.busy}>
          {t('sim.run')}
        </button>
      </div>
      <Problem error={f.error} title={t('error.title')} />
      {result ? (
        <div data-testid="simulation" aria-live="polite">
          <div class="stats">
            <Stat label={t('sim.total')} value={money(result.total, props.currency, lang)} />
            <Stat label={t('sim.discount')} value={money(result.discount, props.currency, lang)} />
            <Stat label={t('sim.points')} value={num(result.points, lang)} hint={t('sim.bonus', { n: num(result.bonus, lang) })} />
          </div>
          <ul class="plain" data-testid="trace">
            {result.trace.map((x) => (
              <li key={x.campaignId}>
                <strong>{x.name}</strong>: {x.status === 'applied' ? t('sim.applied') : t('sim.notApplied', { reason: t(`sim.reason.${x.reason ?? 'no_effect'}`) })}
              </li>
            ))}
          </ul>
          <details>
            <summary>{t('sim.details')}</summary>
            <pre class="explain" lang="en">
              {result.explanation.join('\n')}
            </pre>
          </details>
        </div>
      ) : null}
    </Card>
  );
}

/** What the audience and coupon pickers offer: every segment (rule, RFM, at risk) and the live coupon series. */
async function loadChoices(): Promise<{ segments: Choice[]; couponSeries: Choice[] }> {
  const [segments, series] = await Promise.all([
    allItems((query) => api.GET('/v1/segments', { params: { query } })),
    allItems((query) => api.GET('/v1/coupon-series', { params: { query } })),
  ]);
  const lang = i18n.lang();
  return {
    segments: segments.map((s) => ({ id: s.id, name: s.names?.[lang] ?? s.name, ...(s.memberCount === null ? {} : { hint: t('builder.segmentMembers', { n: num(s.memberCount, lang) }) }) })),
    couponSeries: series.filter((x) => x.status === 'active').map((x) => ({ id: x.id, name: x.series.name })),
  };
}

export function CampaignBuilder(props: { id: string; session: Session }) {
  const isNew = props.id === 'new';
  const existing = useLoad(() => (isNew ? Promise.resolve(null) : unwrap(api.GET('/v1/campaigns/{id}', { params: { path: { id: props.id } } }))), [props.id]);
  const tiers = useLoad(() => unwrap(api.GET('/v1/tiers')), []);
  const program = useLoad(() => unwrap(api.GET('/v1/program')), []);
  const choices = useLoad(loadChoices, []);
  const [c, setC] = useState<Campaign>(blankCampaign());
  const [published, setPublished] = useState<number | null>(null);
  const f = useSubmit();
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (existing.data) setC(existing.data.campaign);
  }, [existing.data]);
  const readOnly = !mayEdit(props.session.user.role, 'rules');
  const validate = () => {
    const found = checkCampaign(c, isNew, {
      required: t('field.required'),
      badId: t('campaign.badId'),
      positive: t('field.positive'),
      badDates: t('campaign.badDates'),
      percent: t('builder.badPercent'),
      controlGroup: t('builder.badControlGroup'),
      wholeNumber: t('field.wholeNumber'),
      time: t('builder.badTime'),
      pickSegment: t('builder.pickSegment'),
    });
    setErrors(found);
    return Object.keys(found).length === 0;
  };
  /** Saves the draft; a live campaign goes live changed at once (a new rules version). */
  const save = async (): Promise<boolean> => {
    if (!validate()) return false;
    const ok = await f.run(async () => {
      if (isNew) await unwrap(api.POST('/v1/campaigns', { body: { campaign: c }, params: { query: {} } }));
      else {
        const r = await unwrap(api.PUT('/v1/campaigns/{id}', { params: { path: { id: c.id }, query: {} }, body: c }));
        if (r.published) setPublished(r.published.version);
      }
    });
    if (!ok) return false;
    if (isNew) navigate(`/campaigns/${encodeURIComponent(c.id)}`, true);
    existing.reload();
    return true;
  };
  const publish = async () => {
    if (!(await save()) || existing.data?.status === 'active') return;
    await f.run(async () => {
      const r = await unwrap(api.POST('/v1/campaigns/{id}/publish', { params: { path: { id: c.id }, query: {} } }));
      setPublished(r.published?.version ?? null);
      existing.reload();
    });
  };
  const setStatus = (verb: 'pause' | 'archive') =>
    void f.run(async () => {
      const r = await unwrap(api.POST(verb === 'pause' ? '/v1/campaigns/{id}/pause' : '/v1/campaigns/{id}/archive', { params: { path: { id: c.id }, query: {} } }));
      setPublished(r.published?.version ?? null);
      existing.reload();
    });
  useEffect(() => setErrors((e) => ({ ...e, ...relative(f.fields) })), [f.fields]);
  if (existing.error) return <Problem error={existing.error} title={t('error.title')} />;
  if (!isNew && !existing.data) return <Loading text={t('app.loading')} />;
  const status = existing.data?.status;
  return (
    <>
      <h1>{isNew ? t('campaigns.new') : c.name}</h1>
      {status ? (
        <p>
          <span class="badge">{t(`campaignStatus.${status}`)}</span> <a href={href(`/campaigns/${encodeURIComponent(props.id)}/results`)}>{t('results.link')}</a>
        </p>
      ) : null}
      {published !== null ? <p class="notice" role="status">{t('campaign.published', { version: published })}</p> : null}
      {f.done && published === null ? <p class="notice" role="status">{t('campaign.saved')}</p> : null}
      <Problem error={f.error} title={t('error.title')} />
      <div class="split">
        <Card title={t('campaign.builder')}>
          <form noValidate onSubmit={(e) => { e.preventDefault(); void save(); }}>
            <CampaignForm c={c} onChange={setC} errors={errors} isNew={isNew} tierIds={tiers.data?.items.map((x) => x.id) ?? []} segments={choices.data?.segments ?? []} couponSeries={choices.data?.couponSeries ?? []} readOnly={readOnly} />
            {readOnly ? null : (
              <div class="row" style={{ marginTop: '1rem' }}>
                <button type="submit" class="secondary" disabled={f.busy}>
                  {t('campaign.saveDraft')}
                </button>
                <button type="button" disabled={f.busy || status === 'archived'} onClick={() => void publish()}>
                  {status === 'active' ? t('campaign.publishChanges') : t('campaign.publish')}
                </button>
                {status === 'active' ? (
                  <button type="button" class="secondary" disabled={f.busy} onClick={() => setStatus('pause')}>
                    {t('campaign.pause')}
                  </button>
                ) : null}
                {status && status !== 'archived' ? (
                  <button type="button" class="secondary" disabled={f.busy} onClick={() => setStatus('archive')}>
                    {t('campaign.archive')}
                  </button>
                ) : null}
              </div>
            )}
          </form>
        </Card>
        <Simulator draft={c} currency={program.data?.settings.currency ?? 'RUB'} validate={validate} onErrors={(e) => setErrors((x) => ({ ...x, ...e }))} />
      </div>
    </>
  );
}
