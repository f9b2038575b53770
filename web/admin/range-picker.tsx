// The range and store filter above the dashboard: presets, or custom days checked before asking.
import { useState } from 'preact/hooks';
import { val } from '../shared/form';
import { Field } from '../shared/ui';
import { checkRange, presetRange, PRESETS, type Preset, type Range } from './report-range';
import { t } from './t';

export function RangePicker(props: { range: Range; today: string; onChange: (r: Range) => void; serverErrors?: Record<string, string> }) {
  const [draft, setDraft] = useState({ from: props.range.from, to: props.range.to });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const choose = (preset: Preset) => {
    if (preset === 'custom') props.onChange({ ...props.range, preset });
    else props.onChange(presetRange(preset, props.today));
    setErrors({});
  };
  const apply = (e: Event) => {
    e.preventDefault();
    const found = checkRange(draft.from, draft.to);
    setErrors(Object.fromEntries(Object.entries(found).map(([k, v]) => [k, t(v)])));
    if (Object.keys(found).length === 0) props.onChange({ preset: 'custom', ...draft });
  };
  const shown = { ...props.serverErrors, ...errors };
  return (
    <div class="range-picker">
      <div class="row presets" role="group" aria-label={t('range.label')}>
        {PRESETS.map((p) => (
          <button type="button" class={p === props.range.preset ? 'secondary active' : 'secondary'} aria-pressed={p === props.range.preset} onClick={() => choose(p)}>
            {t(`range.${p}`)}
          </button>
        ))}
      </div>
      {props.range.preset === 'custom' ? (
        <form class="toolbar" noValidate onSubmit={apply}>
          <Field label={t('range.from')} name="from" required error={shown['/from']}>
            {(p) => <input {...p} type="date" value={draft.from} onInput={(e) => setDraft({ ...draft, from: val(e) })} />}
          </Field>
          <Field label={t('range.to')} name="to" required error={shown['/to']}>
            {(p) => <input {...p} type="date" value={draft.to} onInput={(e) => setDraft({ ...draft, to: val(e) })} />}
          </Field>
          <button type="submit">{t('range.apply')}</button>
        </form>
      ) : null}
    </div>
  );
}
