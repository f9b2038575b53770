import { useState } from 'preact/hooks';
import { api, unwrap, useLoad } from '../../shared/api';
import { money, num } from '../../shared/format';
import { useSubmit, val } from '../../shared/form';
import { Card, Field, Loading, Problem } from '../../shared/ui';
import type { Session } from '../data';
import { mayEdit } from '../nav';
import { i18n, t } from '../t';

const METRICS = ['spend', 'purchases', 'points'] as const;

type Policy = { window: { kind: 'calendar'; period: 'month' | 'quarter' | 'year' } | { kind: 'rolling'; days: number }; graceDays: number };

/** How tiers are earned and kept: the window purchases are counted over, and the grace before a downgrade. */
function PolicyForm(props: { policy: Policy | null; onSaved: () => void }) {
  const current: Policy = props.policy ?? { window: { kind: 'calendar', period: 'year' }, graceDays: 30 };
  const [span, setSpan] = useState<'month' | 'quarter' | 'year' | 'rolling'>(current.window.kind === 'calendar' ? current.window.period : 'rolling');
  const [days, setDays] = useState(current.window.kind === 'rolling' ? String(current.window.days) : '365');
  const [grace, setGrace] = useState(String(current.graceDays));
  const f = useSubmit();
  const save = (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (span === 'rolling' && !/^\d+$/.test(days)) found['/window/days'] = t('field.wholeNumber');
    if (!/^\d+$/.test(grace)) found['/graceDays'] = t('field.wholeNumber');
    if (!f.check(found)) return;
    const body: Policy = { window: span === 'rolling' ? { kind: 'rolling', days: Number(days) } : { kind: 'calendar', period: span }, graceDays: Number(grace) };
    void f.run(() => unwrap(api.PUT('/v1/tier-policy', { params: { query: {} }, body }))).then((ok) => ok && props.onSaved());
  };
  return (
    <Card title={t('tiers.policy')}>
      <Problem error={f.error} title={t('error.title')} />
      {f.done ? <p class="notice" role="status">{t('settings.saved')}</p> : null}
      <form onSubmit={save} noValidate class="grid2">
        <Field label={t('tiers.window')} name="window">
          {(p) => (
            <select {...p} value={span} onChange={(e) => setSpan(val(e) as typeof span)}>
              {(['month', 'quarter', 'year'] as const).map((x) => (
                <option value={x}>{t('tiers.calendar', { period: t(`period.${x}`) })}</option>
              ))}
              <option value="rolling">{t('tiers.rollingOption')}</option>
            </select>
          )}
        </Field>
        {span === 'rolling' ? (
          <Field label={t('tiers.days')} name="days" error={f.fields['/window/days']}>
            {(p) => <input {...p} inputMode="numeric" value={days} onInput={(e) => setDays(val(e))} />}
          </Field>
        ) : null}
        <Field label={t('tiers.grace')} name="grace" error={f.fields['/graceDays']} hint={t('tiers.graceHint')}>
          {(p) => <input {...p} inputMode="numeric" value={grace} onInput={(e) => setGrace(val(e))} />}
        </Field>
        <div>
          <button type="submit" disabled={f.busy}>
            {t('settings.save')}
          </button>
        </div>
      </form>
    </Card>
  );
}

export function Tiers(props: { session: Session }) {
  const list = useLoad(() => unwrap(api.GET('/v1/tiers')), []);
  const program = useLoad(() => unwrap(api.GET('/v1/program')), []);
  const [form, setForm] = useState({ id: '', name: '', rank: '1', metric: 'spend' as (typeof METRICS)[number], min: '', multiplier: '1', discount: '0', perks: '' });
  const f = useSubmit();
  const lang = i18n.lang();
  const cur = program.data?.settings.currency ?? 'RUB';
  const canEdit = mayEdit(props.session.user.role, 'rules');
  const add = (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(form.id)) found['/id'] = t('campaign.badId');
    if (!form.name.trim()) found['/name'] = t('field.required');
    if (!(Number(form.min) >= 0) || form.min === '') found['/qualification/min'] = t('field.positive');
    if (!f.check(found)) return;
    void f
      .run(async () => {
        if (!list.data?.policy) await unwrap(api.PUT('/v1/tier-policy', { params: { query: { publish: false } }, body: { window: { kind: 'calendar', period: 'year' }, graceDays: 30 } }));
        const min = form.metric === 'spend' ? Math.round(Number(form.min) * 100) : Math.round(Number(form.min));
        await unwrap(
          api.POST('/v1/tiers', {
            params: { query: {} },
            body: { id: form.id, name: form.name.trim(), rank: Number(form.rank) || 0, qualification: { metric: form.metric, min }, benefits: { earnMultiplier: Number(form.multiplier) || 1, discountPercent: Number(form.discount) || 0, perks: form.perks.split(',').map((x) => x.trim()).filter(Boolean) } },
          }),
        );
      })
      .then((ok) => ok && list.reload());
  };
  const input = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: val(e) });
  const archive = (id: string) => {
    if (confirm(t('tiers.archiveConfirm'))) void f.run(() => unwrap(api.DELETE('/v1/tiers/{id}', { params: { path: { id }, query: {} } }))).then(() => list.reload());
  };
  return (
    <>
      <h1>{t('nav.tiers')}</h1>
      <Problem error={list.error} title={t('error.title')} />
      {!list.data ? (
        <Loading text={t('app.loading')} />
      ) : (
        <Card>
          {list.data.policy ? <p class="muted">{list.data.policy.window.kind === 'calendar' ? t('tiers.calendar', { period: t(`period.${list.data.policy.window.period}`) }) : t('tiers.rolling', { days: list.data.policy.window.days })}</p> : null}
          <table data-testid="tiers">
            <thead>
              <tr>
                <th scope="col">{t('tiers.rank')}</th>
                <th scope="col">{t('tiers.name')}</th>
                <th scope="col">{t('tiers.qualification')}</th>
                <th scope="col">{t('tiers.benefits')}</th>
                {canEdit ? <th scope="col">{t('coupons.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((x) => (
                <tr>
                  <td>{x.tier.rank}</td>
                  <td>{x.tier.name}</td>
                  <td>
                    {t(`metric.${x.tier.qualification.metric}`)}: {x.tier.qualification.metric === 'spend' ? money(x.tier.qualification.min, cur, lang) : num(x.tier.qualification.min, lang)}
                  </td>
                  <td>{[`×${x.tier.benefits.earnMultiplier}`, x.tier.benefits.discountPercent ? `−${x.tier.benefits.discountPercent} %` : '', ...x.tier.benefits.perks].filter(Boolean).join(', ')}</td>
                  {canEdit ? (
                    <td>
                      {x.status === 'archived' ? (
                        t('stores.archived')
                      ) : (
                        <button type="button" class="secondary" disabled={f.busy} onClick={() => archive(x.id)}>
                          {t('stores.archive')}
                        </button>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.items.length === 0 ? <p>{t('list.empty')}</p> : null}
        </Card>
      )}
      {canEdit && list.data ? <PolicyForm policy={list.data.policy} onSaved={list.reload} /> : null}
      {canEdit ? (
        <Card title={t('tiers.add')}>
          <Problem error={f.error} title={t('error.title')} />
          <form onSubmit={add} noValidate class="grid2">
            <Field label={t('campaign.id')} name="id" required error={f.fields['/id']}>
              {(p) => <input {...p} value={form.id} onInput={input('id')} />}
            </Field>
            <Field label={t('tiers.name')} name="name" required error={f.fields['/name']}>
              {(p) => <input {...p} value={form.name} onInput={input('name')} />}
            </Field>
            <Field label={t('tiers.rank')} name="rank" error={f.fields['/rank']}>
              {(p) => <input {...p} inputMode="numeric" value={form.rank} onInput={input('rank')} />}
            </Field>
            <Field label={t('tiers.metric')} name="metric">
              {(p) => (
                <select {...p} value={form.metric} onChange={input('metric')}>
                  {METRICS.map((m) => (
                    <option value={m}>{t(`metric.${m}`)}</option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('tiers.min')} name="min" required error={f.fields['/qualification/min']}>
              {(p) => <input {...p} inputMode="decimal" value={form.min} onInput={input('min')} />}
            </Field>
            <Field label={t('tiers.multiplier')} name="multiplier" error={f.fields['/benefits/earnMultiplier']}>
              {(p) => <input {...p} inputMode="decimal" value={form.multiplier} onInput={input('multiplier')} />}
            </Field>
            <Field label={t('tiers.discount')} name="discount" error={f.fields['/benefits/discountPercent']}>
              {(p) => <input {...p} inputMode="decimal" value={form.discount} onInput={input('discount')} />}
            </Field>
            <Field label={t('tiers.perks')} name="perks" hint={t('tiers.perksHint')}>
              {(p) => <input {...p} value={form.perks} onInput={input('perks')} />}
            </Field>
            <div>
              <button type="submit" disabled={f.busy}>
                {t('tiers.add')}
              </button>
            </div>
          </form>
        </Card>
      ) : null}
    </>
  );
}
