// Retention by monthly cohort of enrolment: a heat map table, k months after joining.
import { api, unwrap, useLoad } from '../../shared/api';
import { num } from '../../shared/format';
import { Card, Loading, Problem } from '../../shared/ui';
import { monthLabel, percent } from '../report-format';
import type { Range } from '../report-range';
import { i18n, t } from '../t';
import { shade } from './rfm-grid';

export function Cohorts(props: { range: Range }) {
  const { from, to } = props.range;
  const report = useLoad(() => unwrap(api.GET('/v1/analytics/cohorts', { params: { query: { from, to } } })), [from, to]);
  const lang = i18n.lang();
  if (report.error) return <Problem error={report.error} title={t('error.title')} />;
  if (!report.data) return <Loading text={t('app.loading')} />;
  const cohorts = report.data.cohorts;
  const width = Math.max(0, ...cohorts.map((c) => c.retention.length));
  return (
    <Card title={t('cohorts.title')}>
      <p class="hint">{t('cohorts.hint')}</p>
      {cohorts.length === 0 ? (
        <p>{t('report.empty')}</p>
      ) : (
        <div class="table-scroll" tabIndex={0} role="region" aria-label={t('cohorts.title')}>
          <table class="heat" data-testid="cohorts">
            <thead>
              <tr>
                <th scope="col">{t('cohorts.cohort')}</th>
                <th scope="col" class="num">
                  {t('cohorts.size')}
                </th>
                {Array.from({ length: width }, (_, k) => (
                  <th scope="col" class="num">
                    {k}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {cohorts.map((c) => (
                <tr>
                  <th scope="row">{monthLabel(c.cohort, lang)}</th>
                  <td class="num">{num(c.size, lang)}</td>
                  {Array.from({ length: width }, (_, k) => {
                    const share = c.retention[k];
                    return share === undefined ? (
                      <td />
                    ) : (
                      <td class="num" style={{ background: shade(share ?? 0, 1) }} title={t('cohorts.active', { n: c.active[k] ?? 0 })}>
                        {share === null ? '—' : percent(share, lang)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
