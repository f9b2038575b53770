import { useMemo, useState } from 'preact/hooks';
import { allItems, api, unwrap, useLoad, type ApiError } from '../../shared/api';
import { date, dateTime, moneyCompact, moneyRounded, num, numCompact } from '../../shared/format';
import { val } from '../../shared/form';
import { Card, Field, Loading, Problem, Stat } from '../../shared/ui';
import { TimeChart, type Series } from '../chart';
import type { Session } from '../data';
import { periodLabel, percent, xFormat } from '../report-format';
import { RangePicker } from '../range-picker';
import { dayToX, intervalFor, presetRange, todayIn, type Range } from '../report-range';
import type { Lang } from '../../shared/i18n';
import { i18n, t } from '../t';

type Kpis = Awaited<ReturnType<typeof loadKpis>>;

const loadKpis = (range: Range, storeId: string) =>
  unwrap(api.GET('/v1/analytics/kpis', { params: { query: { from: range.from, to: range.to, interval: intervalFor(range.from, range.to), ...(storeId ? { storeId } : {}) } } }));

/** The CSV of the same report: a plain link, the session cookie authenticates a GET. */
/** The KPI series as CSV: for Russian Excel (BOM, `;`, roubles "1234,56") or in the machine format. */
function csvHref(range: Range, storeId: string, excel: boolean): string {
  const q = new URLSearchParams({ from: range.from, to: range.to, interval: intervalFor(range.from, range.to), format: 'csv' });
  if (storeId) q.set('storeId', storeId);
  if (excel) q.set('dialect', 'excel-ru');
  return `/v1/analytics/kpis?${q.toString()}`;
}

/** Query errors of the report (querystring:/from) as the range picker's field errors. */
const rangeErrors = (e: ApiError | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(e?.fields() ?? {}).map(([k, v]) => [k.replace(/^querystring:/, ''), v]));

function Charts(props: { k: Kpis; currency: string; store: boolean }) {
  const lang = i18n.lang();
  // Built once per report and language: a chart is redrawn only when its data changes.
  const charts = useMemo(() => chartsOf(props.k, props.currency, props.store, lang), [props.k, props.currency, props.store, lang]);
  const { k } = props;
  return (
    <div class="charts">
      {charts.list.map((c) => (
        <Card>
          <TimeChart testId={c.id} title={c.title} summary={c.summary} tableLabel={t('chart.table')} periodLabel={t(`chart.period.${k.interval}`)} x={charts.x} periods={charts.periods} series={c.series} xFormat={xFormat(k.interval, lang)} />
        </Card>
      ))}
    </div>
  );
}

function chartsOf(k: Kpis, currency: string, store: boolean, lang: Lang) {
  const x = k.series.map((s) => dayToX(s.period));
  const periods = k.series.map((s) => periodLabel(s.period, k.interval, lang));
  const count = (v: number) => num(v, lang);
  const rub = (v: number) => moneyRounded(v, currency, lang);
  // Axes in short figures ("273 тыс. ₽"), the table and the summary in full ones.
  const countAxis = (v: number) => numCompact(v, lang);
  const rubAxis = (v: number) => moneyCompact(v, currency, lang);
  const pick = (f: (s: Kpis['series'][number]) => number | null) => k.series.map(f);
  const charts: { id: string; title: string; summary: string; series: Series[] }[] = [
    {
      id: 'chart-purchases',
      title: t('dash.chart.purchases'),
      summary: t('dash.chart.purchasesSummary', { members: count(k.totals.memberPurchases), anonymous: count(k.totals.anonymousPurchases) }),
      series: [
        { label: t('dash.withMember'), values: pick((s) => s.memberPurchases), format: count, axisFormat: countAxis },
        { label: t('dash.withoutMember'), values: pick((s) => s.anonymousPurchases), format: count, axisFormat: countAxis },
      ],
    },
    {
      id: 'chart-sales',
      title: t('dash.chart.sales'),
      summary: t('dash.chart.salesSummary', { members: rub(k.totals.memberSales), anonymous: rub(k.totals.anonymousSales) }),
      series: [
        { label: t('dash.withMember'), values: pick((s) => s.memberSales), format: rub, axisFormat: rubAxis },
        { label: t('dash.withoutMember'), values: pick((s) => s.anonymousSales), format: rub, axisFormat: rubAxis },
      ],
    },
  ];
  if (!store) {
    charts.push(
      {
        id: 'chart-members',
        title: t('dash.chart.members'),
        summary: t('dash.chart.membersSummary', { fresh: count(k.totals.newMembers ?? 0), active: count(k.totals.activeMembers) }),
        series: [
          { label: t('dash.newMembers'), values: pick((s) => s.newMembers), format: count, axisFormat: countAxis },
          { label: t('dash.activeMembers'), values: pick((s) => s.activeMembers), format: count, axisFormat: countAxis },
        ],
      },
      {
        id: 'chart-points',
        title: t('dash.chart.points'),
        summary: t('dash.chart.pointsSummary', { issued: count(k.totals.pointsIssued ?? 0), redeemed: count(k.totals.pointsRedeemed ?? 0), expired: count(k.totals.pointsExpired ?? 0) }),
        series: [
          { label: t('dash.pointsIssued'), values: pick((s) => s.pointsIssued), format: count, axisFormat: countAxis },
          { label: t('dash.pointsRedeemed'), values: pick((s) => s.pointsRedeemed), format: count, axisFormat: countAxis },
          { label: t('dash.pointsExpired'), values: pick((s) => s.pointsExpired), format: count, axisFormat: countAxis },
        ],
      },
    );
  }
  return { x, periods, list: charts };
}

/** Members and receipts with and without them, points and their liability, for a range and a store (docs/analytics.md). */
export function Dashboard(_props: { session: Session }) {
  const program = useLoad(() => unwrap(api.GET('/v1/program')), []);
  const stores = useLoad(() => allItems((query) => api.GET('/v1/stores', { params: { query } })), []);
  if (program.error) return <Problem error={program.error} title={t('error.title')} />;
  if (!program.data) return <Loading text={t('app.loading')} />;
  return <DashboardFor timeZone={program.data.settings.timeZone} currency={program.data.settings.currency} stores={stores.data ?? []} />;
}

function DashboardFor(props: { timeZone: string; currency: string; stores: { id: string; name: string }[] }) {
  const today = todayIn(props.timeZone);
  const [range, setRange] = useState<Range>(() => presetRange('30d', today));
  const [storeId, setStoreId] = useState('');
  const kpis = useLoad(() => loadKpis(range, storeId), [range.from, range.to, storeId]);
  const points = useLoad(() => unwrap(api.GET('/v1/analytics/points', { params: { query: { from: range.from, to: range.to } } })), [range.from, range.to]);
  const lang = i18n.lang();
  const k = kpis.data;
  const p = points.data;
  const rub = (v: number | null) => (v === null ? '—' : moneyRounded(v, props.currency, lang));
  const count = (v: number | null) => (v === null ? '—' : num(v, lang));
  return (
    <>
      <h1>{t('nav.dashboard')}</h1>
      <div class="toolbar">
        <RangePicker range={range} today={today} onChange={setRange} serverErrors={rangeErrors(kpis.error)} />
        <Field label={t('dash.store')} name="store">
          {(f) => (
            <select {...f} value={storeId} onChange={(e) => setStoreId(val(e))}>
              <option value="">{t('dash.allStores')}</option>
              {props.stores.map((s) => (
                <option value={s.id}>{s.name}</option>
              ))}
            </select>
          )}
        </Field>
        <a class="button secondary" href={csvHref(range, storeId, true)} download data-testid="csv-excel">
          {t('dash.csvExcel')}
        </a>
        <a class="button secondary" href={csvHref(range, storeId, false)} download data-testid="csv">
          {t('dash.csv')}
        </a>
      </div>
      <p class="muted" data-testid="range">
        {t('dash.rangeShown', { from: date(`${range.from}T12:00:00Z`, lang), to: date(`${range.to}T12:00:00Z`, lang) })}
        {k?.freshness.aggregatedAt ? ` ${t('dash.freshness', { at: dateTime(k.freshness.aggregatedAt, lang) })}` : ''}
      </p>
      <Problem error={kpis.error ?? points.error} title={t('error.title')} />
      {!k ? (
        kpis.error ? null : <Loading text={t('app.loading')} />
      ) : (
        <>
          <h2>{t('dash.members')}</h2>
          <div class="stats" data-testid="figures">
            <Stat label={t('dash.members')} value={count(k.totals.members)} hint={storeId ? t('dash.programWide') : undefined} />
            <Stat label={t('dash.newMembers')} value={count(k.totals.newMembers)} hint={storeId ? t('dash.programWide') : undefined} />
            <Stat label={t('dash.activeMembers')} value={count(k.totals.activeMembers)} hint={k.totals.activeShare === null || k.totals.activeShare > 1 ? undefined : t('dash.ofMembers', { share: percent(k.totals.activeShare, lang) })} />
            <Stat label={t('dash.repeatRate')} value={k.totals.repeatPurchaseRate === null ? '—' : percent(k.totals.repeatPurchaseRate, lang)} />
          </div>
          <h2>{t('dash.purchases')}</h2>
          <div class="stats" data-testid="split">
            <Stat label={t('dash.purchasesWith')} value={count(k.totals.memberPurchases)} hint={t('dash.averageReceipt', { value: rub(k.totals.memberAverageReceipt) })} />
            <Stat label={t('dash.purchasesWithout')} value={count(k.totals.anonymousPurchases)} hint={t('dash.averageReceipt', { value: rub(k.totals.anonymousAverageReceipt) })} />
            <Stat label={t('dash.salesWith')} value={rub(k.totals.memberSales)} hint={k.totals.memberSalesShare === null ? undefined : t('dash.shareOfSales', { share: percent(k.totals.memberSalesShare, lang) })} />
            <Stat label={t('dash.salesWithout')} value={rub(k.totals.anonymousSales)} />
            <Stat
              label={t(k.totals.averageReceiptUplift !== null && k.totals.averageReceiptUplift < 0 ? 'dash.upliftDown' : 'dash.uplift')}
              value={k.totals.averageReceiptUplift === null ? '—' : percent(Math.abs(k.totals.averageReceiptUplift), lang)}
              hint={t('dash.upliftHint')}
            />
            <Stat label={t('dash.netSales')} value={rub(k.totals.netSales)} />
          </div>
          {p ? (
            <>
              <h2>{t('dash.points')}</h2>
              <div class="stats" data-testid="points">
                <Stat label={t('dash.pointsIssued')} value={count(p.issued)} hint={rub(p.issued * p.pointValue)} />
                <Stat label={t('dash.pointsRedeemed')} value={count(p.redeemed)} hint={rub(p.redeemed * p.pointValue)} />
                <Stat label={t('dash.pointsExpired')} value={count(p.expired)} hint={rub(p.expired * p.pointValue)} />
                <Stat label={t('dash.outstanding')} value={count(p.outstanding)} hint={t('dash.atEndOfRange')} />
                <Stat label={t('dash.liability')} value={rub(p.liability)} hint={t('dash.liabilityHint')} />
              </div>
              {storeId ? <p class="hint">{t('dash.pointsProgramWide')}</p> : null}
            </>
          ) : null}
          <Charts k={k} currency={props.currency} store={Boolean(storeId)} />
        </>
      )}
    </>
  );
}
