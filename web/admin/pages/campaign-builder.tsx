import { useEffect, useState } from 'preact/hooks';
import { allItems, api, unwrap, useLoad } from '../../shared/api';
import { num } from '../../shared/format';
import { useSubmit } from '../../shared/form';
import { href, navigate } from '../../shared/router';
import { Card, Loading, Problem } from '../../shared/ui';
import { Backtest } from '../campaign-backtest';
import type { Choice } from '../campaign-extras';
import { CampaignForm } from '../campaign-form';
import { Simulator } from '../campaign-simulator';
import { blankCampaign, campaignPointer, checkCampaign, type Campaign } from '../campaign-model';
import type { Session } from '../data';
import { mayEdit } from '../nav';
import { i18n, t } from '../t';

const relative = (fields: Record<string, string>) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [campaignPointer(k), v]));

/** What the audience, coupon and store pickers offer: every segment (rule, RFM, at risk), the live coupon series, the open stores. */
async function loadChoices(): Promise<{ segments: Choice[]; couponSeries: Choice[]; stores: Choice[] }> {
  const [segments, series, stores] = await Promise.all([
    allItems((query) => api.GET('/v1/segments', { params: { query } })),
    allItems((query) => api.GET('/v1/coupon-series', { params: { query } })),
    allItems((query) => api.GET('/v1/stores', { params: { query } })),
  ]);
  const lang = i18n.lang();
  return {
    segments: segments.map((s) => ({ id: s.id, name: s.names?.[lang] ?? s.name, ...(s.memberCount === null ? {} : { hint: t('builder.segmentMembers', { n: num(s.memberCount, lang) }) }) })),
    couponSeries: series.filter((x) => x.status === 'active').map((x) => ({ id: x.id, name: x.series.name })),
    stores: stores.map((x) => ({ id: x.id, name: x.name })),
  };
}

export function CampaignBuilder(props: { id: string; session: Session }) {
  const isNew = props.id === 'new';
  const existing = useLoad(() => (isNew ? Promise.resolve(null) : unwrap(api.GET('/v1/campaigns/{id}', { params: { path: { id: props.id } } }))), [props.id]);
  const tiers = useLoad(() => unwrap(api.GET('/v1/tiers')), []);
  // Tiers are shown by their names; their ids are what the rules store.
  const tierChoices = tiers.data?.items.map((x) => ({ id: x.id, name: x.tier.name })) ?? [];
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
  const settings = program.data?.settings;
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
            <CampaignForm c={c} onChange={setC} errors={errors} isNew={isNew} tiers={tierChoices} segments={choices.data?.segments ?? []} couponSeries={choices.data?.couponSeries ?? []} readOnly={readOnly} />
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
        <Simulator
          draft={c}
          currency={settings?.currency ?? 'RUB'}
          timeZone={settings?.timeZone ?? 'Europe/Moscow'}
          tiers={tierChoices}
          segments={choices.data?.segments ?? []}
          stores={choices.data?.stores ?? []}
          validate={validate}
          onErrors={(e) => setErrors((x) => ({ ...x, ...e }))}
        />
      </div>
      <Backtest draft={c} currency={settings?.currency ?? 'RUB'} pointValue={settings?.pointValue ?? 100} timeZone={settings?.timeZone ?? 'Europe/Moscow'} validate={validate} />
    </>
  );
}
