// Payback: members' incremental gross margin against the program's cost, month by month.
import { api, unwrap, useLoad } from '../../shared/api';
import { money, num } from '../../shared/format';
import { Card, Loading, Problem, Stat } from '../../shared/ui';
import { TimeChart } from '../chart';
import { monthLabel, percent, xFormat } from '../report-format';
import { dayToX, type Range } from '../report-range';
import { i18n, t } from '../t';

export function Payback(props: { range: Range }) {
  const { from, to } = props.range;
  const report = useLoad(() => unwrap(api.GET('/v1/analytics/payback', { params: { query: { from, to } } })), [from, to]);
  const lang = i18n.lang();
  if (report.error) return <Problem error={report.error} title={t('error.title')} />;
  if (!report.data) return <Loading text={t('app.loading')} />;
  const r = report.data;
  const rub = (v: number) => money(v, r.currency, lang);
  return (
    <Card title={t('payback.title')}>
      <div class="stats" data-testid="payback">
        <Stat label={t('payback.period')} value={r.paybackMonths === null ? t('payback.notYet') : t('payback.months', { n: num(r.paybackMonths, lang) })} hint={r.paidBackIn ? t('payback.in', { month: monthLabel(r.paidBackIn, lang) }) : undefined} />
        <Stat label={t('payback.margin')} value={rub(r.totalIncrementalMargin)} hint={t('payback.marginHint', { percent: num(r.marginPercent, lang) })} />
        <Stat label={t('payback.cost')} value={rub(r.totalCost)} />
        <Stat label={t('payback.roi')} value={r.roi === null ? '—' : percent(r.roi, lang)} />
      </div>
      {r.noBaseline ? <p class="hint">{t('payback.noBaseline')}</p> : null}
      {r.months.length > 0 ? (
        <TimeChart
          title={t('payback.chart')}
          summary={t('payback.summary', { margin: rub(r.totalIncrementalMargin), cost: rub(r.totalCost) })}
          tableLabel={t('chart.table')}
          periodLabel={t('chart.period.month')}
          x={r.months.map((m) => dayToX(`${m.month}-01`))}
          periods={r.months.map((m) => monthLabel(m.month, lang))}
          series={[
            { label: t('payback.cumulativeMargin'), values: r.months.map((m) => m.cumulativeMargin), format: rub },
            { label: t('payback.cumulativeCost'), values: r.months.map((m) => m.cumulativeCost), format: rub },
          ]}
          xFormat={xFormat('month', lang)}
        />
      ) : null}
      <p class="hint">{t('payback.assumptions')}</p>
    </Card>
  );
}

export function Nps(props: { range: Range }) {
  const { from, to } = props.range;
  const report = useLoad(() => unwrap(api.GET('/v1/analytics/nps', { params: { query: { from, to, interval: 'month' } } })), [from, to]);
  const lang = i18n.lang();
  if (report.error) return <Problem error={report.error} title={t('error.title')} />;
  if (!report.data) return <Loading text={t('app.loading')} />;
  const r = report.data;
  const score = (v: number | null) => (v === null ? '—' : num(v, lang));
  const answered = r.series.filter((s) => s.responses > 0);
  return (
    <Card title={t('nps.title')}>
      <div class="stats" data-testid="nps">
        <Stat label={t('nps.score')} value={score(r.score)} hint={r.change === null ? undefined : t('nps.change', { change: `${r.change > 0 ? '+' : ''}${num(r.change, lang)}` })} />
        <Stat label={t('nps.promoters')} value={num(r.promoters, lang)} />
        <Stat label={t('nps.passives')} value={num(r.passives, lang)} />
        <Stat label={t('nps.detractors')} value={num(r.detractors, lang)} />
      </div>
      {answered.length > 0 ? (
        <TimeChart
          title={t('nps.trend')}
          summary={t('nps.summary', { score: score(r.score), responses: num(r.responses, lang) })}
          tableLabel={t('chart.table')}
          periodLabel={t('chart.period.month')}
          x={r.series.map((s) => dayToX(s.period))}
          periods={r.series.map((s) => monthLabel(s.period.slice(0, 7), lang))}
          series={[{ label: t('nps.score'), values: r.series.map((s) => s.score), format: (v) => num(v, lang) }]}
          xFormat={xFormat('month', lang)}
        />
      ) : (
        <p>{t('nps.none')}</p>
      )}
    </Card>
  );
}
