// The builder's backtest: the campaign as edited, replayed over the receipts of a period
// (POST /v1/campaigns/{id}/backtest): what it would have touched and cost. Nothing is written.
import { useState } from 'preact/hooks';
import { api, unwrap } from '../shared/api';
import { money, num } from '../shared/format';
import { useSubmit, val } from '../shared/form';
import { Card, Field, Problem, Stat } from '../shared/ui';
import type { Campaign } from './campaign-model';
import { presetRange, todayIn } from './report-range';
import { i18n, t } from './t';
import { zonedInstant } from './zoned';

type Result = Awaited<ReturnType<typeof backtest>>;
const backtest = (id: string, from: string, to: string, campaign: Campaign) => unwrap(api.POST('/v1/campaigns/{id}/backtest', { params: { path: { id } }, body: { from, to, campaign } }));

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const REASONS = ['schedule', 'coupon', 'member', 'audience', 'condition', 'limit', 'budget', 'control_group', 'stacking', 'no_effect'] as const;

export function Backtest(props: { draft: Campaign; currency: string; pointValue: number; timeZone: string; validate: () => boolean }) {
  const lang = i18n.lang();
  const [range, setRange] = useState(() => {
    const r = presetRange('30d', todayIn(props.timeZone));
    return { from: r.from, to: r.to };
  });
  const [result, setResult] = useState<Result>();
  const f = useSubmit();
  const go = (e: Event) => {
    e.preventDefault();
    if (!props.validate()) return;
    const found: Record<string, string> = {};
    if (!range.from) found['/from'] = t('field.required');
    if (!range.to) found['/to'] = t('field.required');
    else if (range.from && range.from > range.to) found['/to'] = t('range.order');
    if (!f.check(found)) return;
    // Whole local days of the program: from the start of `from` to the end of `to`.
    const from = zonedInstant(range.from, '00:00', props.timeZone).toISOString();
    const to = zonedInstant(nextDay(range.to), '00:00', props.timeZone).toISOString();
    void f.run(async () => setResult(await backtest(props.draft.id, from, to, props.draft)));
  };
  const m = (minor: number) => money(minor, props.currency, lang);
  const reasons = result ? REASONS.filter((r) => (result.notApplied[r] ?? 0) > 0) : [];
  return (
    <Card title={t('backtest.title')} class="backtest">
      <p class="hint">{t('backtest.hint')}</p>
      <form class="toolbar" noValidate onSubmit={go}>
        <Field label={t('backtest.from')} name="backtest-from" required error={f.fields['/from']}>
          {(p) => <input {...p} type="date" value={range.from} onInput={(e) => setRange({ ...range, from: val(e) })} />}
        </Field>
        <Field label={t('backtest.to')} name="backtest-to" required error={f.fields['/to']}>
          {(p) => <input {...p} type="date" value={range.to} onInput={(e) => setRange({ ...range, to: val(e) })} />}
        </Field>
        <button type="submit" disabled={f.busy}>
          {f.busy ? t('backtest.running') : t('backtest.run')}
        </button>
      </form>
      <Problem error={f.error} title={t('error.title')} />
      {result ? (
        <div data-testid="backtest" aria-live="polite">
          <div class="stats">
            <Stat label={t('backtest.receipts')} value={num(result.receipts, lang)} hint={t('backtest.scanned', { n: num(result.receiptsScanned, lang) })} />
            <Stat label={t('backtest.members')} value={num(result.members, lang)} />
            <Stat label={t('backtest.cost')} value={m(result.cost)} hint={t('backtest.costHint', { discount: m(result.discount), points: num(result.points, lang), value: m(result.points * props.pointValue) })} />
          </div>
          {result.controlGroupReceipts > 0 ? <p>{t('backtest.controlGroup', { n: num(result.controlGroupReceipts, lang) })}</p> : null}
          {reasons.length > 0 ? (
            <>
              <h3>{t('backtest.notApplied')}</h3>
              <ul class="plain" data-testid="backtest-reasons">
                {reasons.map((r) => (
                  <li>
                    {t(`sim.reason.${r}`)}: {num(result.notApplied[r]!, lang)}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {result.truncated ? <p class="notice">{t('backtest.truncated', { n: num(result.receiptsScanned, lang) })}</p> : null}
        </div>
      ) : null}
    </Card>
  );
}
