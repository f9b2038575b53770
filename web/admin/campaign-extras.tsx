// The builder's parts beyond the basics: segments as the audience, hours of the day, coupons,
// limits and budgets, priority and stacking, and the campaign as JSON for anything else.
import { useEffect, useState } from 'preact/hooks';
import { val } from '../shared/form';
import { fieldName } from '../shared/problems';
import { Check, Field } from '../shared/ui';
import { blankCampaign, LIMIT_PERIODS, type Campaign } from './campaign-model';
import { t } from './t';

export interface Choice {
  id: string;
  name: string;
  hint?: string;
}

const num = (e: Event) => (val(e).trim() === '' ? NaN : Number(val(e).replace(',', '.').replace(/\s/g, '')));

type SegmentsRule = Extract<Campaign['audience'][number], { kind: 'segments' }>;

/** Which segments (rule, RFM, at risk) and how they combine. */
export function SegmentsAudience(props: { rule: SegmentsRule; segments: Choice[]; error: string | undefined; onChange: (r: SegmentsRule) => void }) {
  const { rule } = props;
  return (
    <fieldset class="choice" aria-describedby={props.error ? 'segments-error' : undefined}>
      <legend>{t('builder.whichSegments')}</legend>
      <Field label={t('builder.segmentsMatch')} name="segments-match">
        {(p) => (
          <select {...p} value={rule.match} onChange={(e) => props.onChange({ ...rule, match: val(e) as SegmentsRule['match'] })}>
            {(['any', 'all', 'none'] as const).map((m) => (
              <option value={m}>{t(`builder.segmentsMatch.${m}`)}</option>
            ))}
          </select>
        )}
      </Field>
      {props.segments.map((s) => (
        <Check
          name={`segment-${s.id}`}
          label={s.hint ? `${s.name} (${s.hint})` : s.name}
          checked={rule.segmentIds.includes(s.id)}
          onChange={(on) => props.onChange({ ...rule, segmentIds: on ? [...rule.segmentIds, s.id] : rule.segmentIds.filter((x) => x !== s.id) })}
        />
      ))}
      {props.error ? (
        <p class="error" id="segments-error" role="alert">
          {props.error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** One window of hours in the day (more windows through the JSON). */
export function HoursFields(props: { c: Campaign; errors: Record<string, string>; set: (patch: Partial<Campaign>) => void }) {
  const { c } = props;
  const w = c.schedule.hours?.[0];
  const setWindow = (patch: { from?: string; to?: string }) => {
    const next = { from: w?.from ?? '', to: w?.to ?? '', ...patch };
    const rest = c.schedule.hours?.slice(1) ?? [];
    const hours = next.from || next.to ? [next, ...rest] : rest;
    props.set({ schedule: { ...c.schedule, hours: hours.length ? hours : undefined } });
  };
  return (
    <>
      <Field label={t('builder.hoursFrom')} name="hoursFrom" error={props.errors['/schedule/hours/0/from']} hint={t('builder.hoursHint')}>
        {(p) => <input {...p} type="time" value={w?.from ?? ''} onInput={(e) => setWindow({ from: val(e) })} />}
      </Field>
      <Field label={t('builder.hoursTo')} name="hoursTo" error={props.errors['/schedule/hours/0/to']}>
        {(p) => <input {...p} type="time" value={w?.to ?? ''} onInput={(e) => setWindow({ to: val(e) })} />}
      </Field>
    </>
  );
}

/** Limits per member, budgets in points and money with the warning, priority, stacking, control group. */
export function LimitsFields(props: { c: Campaign; errors: Record<string, string>; set: (patch: Partial<Campaign>) => void; couponSeries: Choice[] }) {
  const { c, errors, set } = props;
  const budget = (patch: Partial<NonNullable<Campaign['budget']>>) => {
    const next = { warnAtPercent: 80, ...c.budget, ...patch };
    const empty = (next.points === undefined || Number.isNaN(next.points)) && (next.money === undefined || Number.isNaN(next.money));
    set({ budget: empty ? undefined : next });
  };
  const perMember = c.limits.perMember;
  return (
    <div class="grid2">
      <Field label={t('campaign.perMember')} name="perMember" error={errors['/limits/perMember/count']} hint={t('campaign.perMemberHint')}>
        {(p) => (
          <input
            {...p}
            inputMode="numeric"
            value={perMember && !Number.isNaN(perMember.count) ? String(perMember.count) : ''}
            onInput={(e) => {
              const v = num(e);
              set({ limits: { ...c.limits, perMember: Number.isNaN(v) ? undefined : { count: v, period: perMember?.period ?? 'campaign' } } });
            }}
          />
        )}
      </Field>
      <Field label={t('builder.perMemberPeriod')} name="perMemberPeriod" error={errors['/limits/perMember/period']}>
        {(p) => (
          <select {...p} value={perMember?.period ?? 'campaign'} disabled={!perMember} onChange={(e) => perMember && set({ limits: { ...c.limits, perMember: { ...perMember, period: val(e) as (typeof LIMIT_PERIODS)[number] } } })}>
            {LIMIT_PERIODS.map((x) => (
              <option value={x}>{t(`builder.period.${x}`)}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('campaign.budgetPoints')} name="budgetPoints" error={errors['/budget/points']}>
        {(p) => <input {...p} inputMode="numeric" value={c.budget?.points === undefined || Number.isNaN(c.budget.points) ? '' : String(c.budget.points)} onInput={(e) => budget({ points: Number.isNaN(num(e)) ? undefined : num(e) })} />}
      </Field>
      <Field label={t('builder.budgetMoney')} name="budgetMoney" error={errors['/budget/money']} hint={t('builder.budgetMoneyHint')}>
        {(p) => (
          <input
            {...p}
            inputMode="decimal"
            value={c.budget?.money === undefined || Number.isNaN(c.budget.money) ? '' : String(c.budget.money / 100)}
            onInput={(e) => budget({ money: Number.isNaN(num(e)) ? undefined : Math.round(num(e) * 100) })}
          />
        )}
      </Field>
      <Field label={t('builder.warnAt')} name="warnAt" error={errors['/budget/warnAtPercent']} hint={t('builder.warnAtHint')}>
        {(p) => <input {...p} inputMode="numeric" disabled={!c.budget} value={c.budget ? String(c.budget.warnAtPercent) : ''} onInput={(e) => c.budget && set({ budget: { ...c.budget, warnAtPercent: num(e) } })} />}
      </Field>
      <Field label={t('campaign.controlGroup')} name="controlGroup" error={errors['/controlGroupPercent']} hint={t('campaign.controlGroupHint')}>
        {(p) => <input {...p} inputMode="decimal" value={Number.isNaN(c.controlGroupPercent) ? '' : String(c.controlGroupPercent)} onInput={(e) => set({ controlGroupPercent: val(e).trim() === '' ? 0 : num(e) })} />}
      </Field>
      <Field label={t('campaign.stacking')} name="stacking" error={errors['/stacking']} hint={t(`builder.stackingHint.${c.stacking}`)}>
        {(p) => (
          <select {...p} value={c.stacking} onChange={(e) => set({ stacking: val(e) as Campaign['stacking'] })}>
            {(['stack', 'exclusive', 'best_of'] as const).map((s) => (
              <option value={s}>{t(`stacking.${s}`)}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('builder.priority')} name="priority" error={errors['/priority']} hint={t('builder.priorityHint')}>
        {(p) => <input {...p} inputMode="numeric" value={Number.isNaN(c.priority) ? '' : String(c.priority)} onInput={(e) => set({ priority: val(e).trim() === '' ? 0 : num(e) })} />}
      </Field>
      <Field label={t('builder.coupon')} name="coupon" error={errors['/couponSeriesId']} hint={t('builder.couponHint')}>
        {(p) => (
          <select
            {...p}
            value={c.couponSeriesId ?? ''}
            onChange={(e) => {
              const { couponSeriesId: _old, ...rest } = c;
              props.set(val(e) ? { couponSeriesId: val(e) } : { ...rest, couponSeriesId: undefined });
            }}
          >
            <option value="">{t('builder.noCoupon')}</option>
            {props.couponSeries.map((s) => (
              <option value={s.id}>{s.name}</option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}

/** The whole campaign as JSON: for what the fields above do not show (more audience rules, stores, channels…). */
export function JsonEditor(props: { c: Campaign; isNew: boolean; onChange: (c: Campaign) => void; errors: Record<string, string> }) {
  const [text, setText] = useState(() => JSON.stringify(props.c, null, 2));
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState(false);
  const [dirty, setDirty] = useState(false);
  // The text follows the fields above until someone types in it.
  useEffect(() => {
    if (!dirty) setText(JSON.stringify(props.c, null, 2));
  }, [props.c, dirty]);
  const apply = () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      setError(t('builder.badJson'));
      return;
    }
    setError(undefined);
    setDirty(false);
    // Parts left out take the blank campaign's values, so the fields above always have something to show.
    props.onChange({ ...blankCampaign(), ...(parsed as Partial<Campaign>), ...(props.c.id && !props.isNew ? { id: props.c.id } : {}) });
  };
  const other = Object.entries(props.errors).filter(([k]) => !SHOWN_POINTERS.some((re) => re.test(k)));
  return (
    <details class="json-editor" open={open || other.length > 0} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{t('builder.json')}</summary>
      <Field label={t('builder.jsonLabel')} name="json" error={error} hint={t('builder.jsonHint')}>
        {(p) => (
          <textarea
            {...p}
            rows={16}
            spellcheck={false}
            value={text}
            onInput={(e) => {
              setText(val(e));
              setDirty(true);
            }}
          />
        )}
      </Field>
      {other.length > 0 ? (
        <ul class="error" role="alert">
          {other.map(([k, v]) => (
            <li>
              {fieldName(k)} (<code>{k}</code>): {v}
            </li>
          ))}
        </ul>
      ) : null}
      <button type="button" class="secondary" onClick={apply}>
        {t('builder.applyJson')}
      </button>
    </details>
  );
}

/** Pointers that a field of the form shows; the rest are listed under the JSON. */
const SHOWN_POINTERS = [
  /^\/(id|name|block|stacking|priority|controlGroupPercent|couponSeriesId)$/,
  /^\/audience(\/0(\/.*)?)?$/,
  /^\/schedule\/(from|to|weekdays|hours\/0\/(from|to))$/,
  /^\/conditions\/\d+\/(min|lines\/categories)$/,
  /^\/effects\/\d+(\/.*)?$/,
  /^\/limits\/perMember\/(count|period)$/,
  /^\/budget\/(points|money|warnAtPercent)$/,
];
