import { useState } from 'preact/hooks';
import { api, unwrap, useLoad } from '../../shared/api';
import { Loading, Problem } from '../../shared/ui';
import { Blocks } from '../analytics/blocks';
import { Cohorts } from '../analytics/cohorts';
import { Models } from '../analytics/models';
import { Nps, Payback } from '../analytics/payback';
import { RfmGrid } from '../analytics/rfm-grid';
import type { Session } from '../data';
import { mayEdit } from '../nav';
import { RangePicker } from '../range-picker';
import { presetRange, todayIn, type Range } from '../report-range';
import { date } from '../../shared/format';
import { i18n, t } from '../t';

/** Retention by cohort, cost by block against budgets, payback, RFM, NPS and the models (docs/analytics.md). */
export function Analytics(props: { session: Session }) {
  const program = useLoad(() => unwrap(api.GET('/v1/program')), []);
  if (program.error) return <Problem error={program.error} title={t('error.title')} />;
  if (!program.data) return <Loading text={t('app.loading')} />;
  return <AnalyticsFor today={todayIn(program.data.settings.timeZone)} owner={mayEdit(props.session.user.role, 'owner')} />;
}

function AnalyticsFor(props: { today: string; owner: boolean }) {
  const [range, setRange] = useState<Range>(() => presetRange('12m', props.today));
  return (
    <>
      <h1>{t('nav.analytics')}</h1>
      <RfmGrid />
      <div class="toolbar">
        <RangePicker range={range} today={props.today} onChange={setRange} />
      </div>
      <p class="muted">{t('dash.rangeShown', { from: date(`${range.from}T12:00:00Z`, i18n.lang()), to: date(`${range.to}T12:00:00Z`, i18n.lang()) })}</p>
      <Cohorts range={range} />
      <Blocks range={range} mayEdit={props.owner} />
      <Payback range={range} />
      <Nps range={range} />
      <Models mayEdit={props.owner} />
    </>
  );
}
