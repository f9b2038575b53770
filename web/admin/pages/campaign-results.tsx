import { useState } from 'preact/hooks';
import { api, unwrap, useLoad } from '../../shared/api';
import { dateTime, money, num } from '../../shared/format';
import { href } from '../../shared/router';
import { Card, Field, Loading, Problem, Stat } from '../../shared/ui';
import { i18n, t } from '../t';

type Lang = 'ru' | 'en';
type Interval = { low: number; high: number } | null;

const isoDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const percent = (x: number | null, lang: Lang) => (x === null ? '—' : new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(x));
const range = (i: Interval, f: (x: number) => string) => (i === null ? '—' : `${f(i.low)} … ${f(i.high)}`);

/** The days a campaign's results open on: its schedule up to today, or the last 90 days when it has none. */
function initialRange(schedule: { from?: string | undefined; to?: string | undefined }): { from: string; to: string } {
  const now = new Date();
  const today = isoDay(now);
  const from = schedule.from ?? isoDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 89));
  const to = schedule.to !== undefined && schedule.to < today ? schedule.to : today;
  return { from, to: to < from ? from : to };
}

/**
 * A campaign's results (GET /v1/analytics/campaigns/{id}): reach, receipts, revenue and cost and,
 * with a control group, the uplift in spend and visits with their 95 % intervals and the return
 * on cost. docs/analytics.md, "Campaigns", defines every figure.
 */
export function CampaignResults(props: { id: string }) {
  const def = useLoad(() => unwrap(api.GET('/v1/campaigns/{id}', { params: { path: { id: props.id } } })), [props.id]);
  if (def.error) return <Problem error={def.error} title={t('error.title')} />;
  if (!def.data) return <Loading text={t('app.loading')} />;
  return <Results id={props.id} initial={initialRange(def.data.campaign.schedule)} />;
}

function Results(props: { id: string; initial: { from: string; to: string } }) {
  const [from, setFrom] = useState(props.initial.from);
  const [to, setTo] = useState(props.initial.to);
  const lang = i18n.lang();
  const report = useLoad(() => unwrap(api.GET('/v1/analytics/campaigns/{id}', { params: { path: { id: props.id }, query: { from, to } } })), [props.id, from, to]);
  const r = report.data;
  const cur = r?.currency ?? 'RUB';
  const rub = (x: number | null) => (x === null ? '—' : money(Math.round(x), cur, lang));
  const visits = (x: number | null) => (x === null ? '—' : num(x, lang));
  const k = r?.comparison ?? null;
  return (
    <>
      <h1>{t('results.title', { name: r?.name ?? props.id })}</h1>
      <p>
        <a href={href(`/campaigns/${encodeURIComponent(props.id)}`)}>{t('results.toCampaign')}</a>
      </p>
      <div class="row">
        <Field label={t('results.from')} name="from">
          {(p) => <input {...p} type="date" value={from} onChange={(e) => setFrom((e.target as HTMLInputElement).value)} />}
        </Field>
        <Field label={t('results.to')} name="to">
          {(p) => <input {...p} type="date" value={to} onChange={(e) => setTo((e.target as HTMLInputElement).value)} />}
        </Field>
      </div>
      <Problem error={report.error} title={t('error.title')} />
      {!r ? (
        report.error ? null : <Loading text={t('app.loading')} />
      ) : (
        <>
          <div class="stats" data-testid="campaign-results">
            <Stat label={t('results.reached')} value={num(r.membersReached, lang)} />
            <Stat label={t('results.receipts')} value={num(r.receipts, lang)} hint={t('results.receiptsHint', { members: num(r.memberReceipts, lang), anonymous: num(r.anonymousReceipts, lang) })} />
            <Stat label={t('results.revenue')} value={rub(r.revenue)} />
            <Stat label={t('results.cost')} value={rub(r.cost.total)} hint={t('results.costHint', { points: num(r.cost.points, lang), value: rub(r.cost.pointsValue), discount: rub(r.cost.discount) })} />
          </div>
          {k === null ? (
            <Card>
              <p data-testid="campaign-no-comparison">{t(r.noComparison === 'no_window' ? 'results.noWindow' : r.noComparison === 'no_reach' ? 'results.noReach' : 'results.noControlGroup')}</p>
            </Card>
          ) : (
            <Card title={t('results.uplift')}>
              <p class="hint">{t('results.population', { from: k.windowFrom, to: k.windowTo, lookback: k.lookbackFrom, start: k.populationFrom, treatment: num(k.treatment.members, lang), control: num(k.control.members, lang) })}</p>
              <p class="hint" data-testid="campaign-comparison-source">{t(k.source === 'aggregates' ? 'results.asOfStored' : 'results.asOfLive', { at: dateTime(k.asOf, lang) })}</p>
              <table data-testid="campaign-uplift">
                <thead>
                  <tr>
                    <th scope="col">{t('results.figure')}</th>
                    <th scope="col" class="num">{t('results.treatment')}</th>
                    <th scope="col" class="num">{t('results.control')}</th>
                    <th scope="col" class="num">{t('results.difference')}</th>
                    <th scope="col" class="num">{t('results.interval')}</th>
                    <th scope="col" class="num">{t('results.relative')}</th>
                  </tr>
                </thead>
                <tbody>
                  {(
                    [
                      ['results.spend', k.spend, rub],
                      ['results.visits', k.visits, visits],
                    ] as const
                  ).map(([label, u, f]) => (
                    <tr>
                      <th scope="row">{t(label)}</th>
                      <td class="num">{f(u.treatment)}</td>
                      <td class="num">{f(u.control)}</td>
                      <td class="num">{f(u.absolute)}</td>
                      <td class="num">{range(u.absoluteInterval, (x) => f(x))}</td>
                      <td class="num">
                        {percent(u.relative, lang)} {u.relativeInterval ? `(${range(u.relativeInterval, (x) => percent(x, lang))})` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {(
                [
                  ['results.spend', k.spend.reason],
                  ['results.visits', k.visits.reason],
                ] as const
              ).map(([label, reason]) => (reason ? <p class="hint">{`${t(label)}: ${t(`results.reason.${reason}`)}`}</p> : null))}
              {k.spend.significant ? null : (
                <p data-testid="campaign-verdict">
                  <strong>{t('results.noEffect')}</strong>
                </p>
              )}
              <div class="stats" data-testid="campaign-headline">
                {/* An effect is stated only when its 95 % interval leaves out zero; otherwise the estimate is a hint. */}
                {(
                  [
                    [t('results.incrementalRevenue'), rub(k.incrementalRevenue), range(k.incrementalRevenueInterval, rub)],
                    [t('results.incrementalMargin', { percent: num(r.marginPercent, lang) }), rub(k.incrementalMargin), range(k.incrementalMarginInterval, rub)],
                  ] as const
                ).map(([label, value, interval]) => (
                  <Stat label={label} value={k.spend.significant ? value : t('results.notMeasurable')} hint={k.spend.significant ? interval : t('results.noEffectHint', { value, range: interval })} />
                ))}
                <Stat label={t('results.memberCost')} value={rub(k.memberCost)} />
                <Stat
                  label={t('results.roi')}
                  value={k.spend.significant ? percent(k.roi, lang) : t('results.notMeasurable')}
                  hint={k.spend.significant ? range(k.roiInterval, (x) => percent(x, lang)) : t('results.noEffectHint', { value: percent(k.roi, lang), range: range(k.roiInterval, (x) => percent(x, lang)) })}
                />
              </div>
            </Card>
          )}
        </>
      )}
    </>
  );
}
