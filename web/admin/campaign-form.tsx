// The builder's fields: what a campaign is, who it is for, when, what it gives and its limits.
import { Check, Field } from '../shared/ui';
import { val } from '../shared/form';
import { HoursFields, JsonEditor, LimitsFields, SegmentsAudience, type Choice } from './campaign-extras';
import { EFFECT_FIELDS, EFFECT_KINDS, effectOf, type Campaign, type Effect, type EffectKind } from './campaign-model';
import type { AdminKey } from './i18n';
import { t } from './t';

type Audience = 'everyone' | 'tiers' | 'segments' | 'new_member' | 'birthday' | 'custom';
const SHOWN_AUDIENCES: Audience[] = ['everyone', 'tiers', 'segments', 'new_member', 'birthday'];
/** The audience as the select shows it; several rules, or a kind it does not offer, are "set in the JSON". */
const audienceOf = (c: Campaign): Audience => {
  if (c.audience.length === 0) return 'everyone';
  const kind = c.audience[0]!.kind;
  return c.audience.length === 1 && (SHOWN_AUDIENCES as string[]).includes(kind) ? (kind as Audience) : 'custom';
};
const num = (e: Event) => (val(e) === '' ? NaN : Number(val(e).replace(',', '.')));

export function CampaignForm(props: { c: Campaign; onChange: (c: Campaign) => void; errors: Record<string, string>; isNew: boolean; tiers: Choice[]; segments: Choice[]; couponSeries: Choice[]; readOnly: boolean }) {
  const { c, errors } = props;
  const set = (patch: Partial<Campaign>) => props.onChange({ ...c, ...patch });
  const setEffect = (i: number, e: Effect) => set({ effects: c.effects.map((x, j) => (j === i ? e : x)) });
  const minTotal = c.conditions.find((x) => x.kind === 'total');
  const onLines = c.conditions.find((x) => x.kind === 'lines');
  const list = (text: string) => text.split(',').map((x) => x.trim()).filter(Boolean);
  const setCategories = (text: string) => {
    const categories = list(text);
    set({ conditions: [...c.conditions.filter((x) => x.kind !== 'lines'), ...(categories.length ? [{ kind: 'lines' as const, lines: { categories }, match: 'any' as const }] : [])] });
  };
  const audience = audienceOf(c);
  const tierRule = c.audience[0]?.kind === 'tiers' ? c.audience[0] : null;
  const segmentsRule = audience === 'segments' && c.audience[0]?.kind === 'segments' ? c.audience[0] : null;
  const setAudience = (a: Audience) => {
    if (a === 'custom') return;
    set({
      audience:
        a === 'everyone'
          ? []
          : a === 'tiers'
            ? [{ kind: 'tiers', tierIds: [], match: 'any' }]
            : a === 'segments'
              ? [{ kind: 'segments', segmentIds: [], match: 'any' }]
              : a === 'new_member'
                ? [{ kind: 'new_member', days: 30 }]
                : [{ kind: 'birthday', daysBefore: 3, daysAfter: 3 }],
    });
  };
  return (
    <fieldset disabled={props.readOnly} class="plain-fieldset">
      <div class="grid2">
        <Field label={t('campaign.id')} name="id" required error={errors['/id']} hint={t('campaign.idHint')}>
          {(p) => <input {...p} value={c.id} disabled={!props.isNew} onInput={(e) => set({ id: val(e).trim() })} />}
        </Field>
        <Field label={t('campaign.name')} name="name" required error={errors['/name']}>
          {(p) => <input {...p} value={c.name} onInput={(e) => set({ name: val(e) })} />}
        </Field>
        <Field label={t('campaign.block')} name="block" error={errors['/block']}>
          {(p) => (
            <select {...p} value={c.block} onChange={(e) => set({ block: val(e) as Campaign['block'] })}>
              {(['main', 'mass', 'targeted'] as const).map((b) => (
                <option value={b}>{t(`block.${b}`)}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('campaign.audience')} name="audience" error={errors['/audience']}>
          {(p) => (
            <select {...p} value={audience} onChange={(e) => setAudience(val(e) as Audience)}>
              {SHOWN_AUDIENCES.map((a) => (
                <option value={a}>{t(`audience.${a}`)}</option>
              ))}
              {audience === 'custom' ? <option value="custom">{t('audience.custom')}</option> : null}
            </select>
          )}
        </Field>
      </div>
      {tierRule ? (
        <fieldset class="choice">
          <legend>{t('audience.whichTiers')}</legend>
          {props.tiers.map(({ id, name }) => (
            <Check name={`tier-${id}`} label={name} checked={tierRule.tierIds.includes(id)} onChange={(on) => set({ audience: [{ ...tierRule, tierIds: on ? [...tierRule.tierIds, id] : tierRule.tierIds.filter((x) => x !== id) }] })} />
          ))}
        </fieldset>
      ) : null}
      {segmentsRule ? <SegmentsAudience rule={segmentsRule} segments={props.segments} error={errors['/audience/0/segmentIds'] ?? errors['/audience/0']} onChange={(r) => set({ audience: [r] })} /> : null}
      <h3>{t('campaign.when')}</h3>
      <div class="grid2">
        <Field label={t('campaign.from')} name="from" error={errors['/schedule/from']}>
          {(p) => <input {...p} type="date" value={c.schedule.from ?? ''} onInput={(e) => set({ schedule: { ...c.schedule, from: val(e) || undefined } })} />}
        </Field>
        <Field label={t('campaign.to')} name="to" error={errors['/schedule/to']}>
          {(p) => <input {...p} type="date" value={c.schedule.to ?? ''} onInput={(e) => set({ schedule: { ...c.schedule, to: val(e) || undefined } })} />}
        </Field>
        <HoursFields c={c} errors={errors} set={set} />
        <Field label={t('campaign.minTotal')} name="minTotal" error={minTotal ? errors[`/conditions/${c.conditions.indexOf(minTotal)}/min`] : undefined} hint={t('campaign.minTotalHint')}>
          {(p) => (
            <input
              {...p}
              inputMode="decimal"
              value={minTotal?.kind === 'total' && minTotal.min !== undefined ? String(minTotal.min / 100) : ''}
              onInput={(e) => {
                const v = num(e);
                set({ conditions: [...c.conditions.filter((x) => x.kind !== 'total'), ...(v > 0 ? [{ kind: 'total' as const, min: Math.round(v * 100) }] : [])] });
              }}
            />
          )}
        </Field>
        <Field label={t('campaign.categories')} name="categories" error={onLines ? errors[`/conditions/${c.conditions.indexOf(onLines)}/lines/categories`] : undefined} hint={t('campaign.categoriesHint')}>
          {(p) => <input {...p} value={onLines?.kind === 'lines' ? (onLines.lines.categories ?? []).join(', ') : ''} onInput={(e) => setCategories(val(e))} />}
        </Field>
      </div>
      <fieldset class="choice">
        <legend>{t('campaign.weekdays')}</legend>
        <div class="row">
          {[1, 2, 3, 4, 5, 6, 7].map((d) => (
            <Check
              name={`weekday-${d}`}
              label={t(`weekday.${d}` as AdminKey)}
              checked={c.schedule.weekdays?.includes(d) ?? false}
              onChange={(on) => {
                const days = (on ? [...(c.schedule.weekdays ?? []), d] : (c.schedule.weekdays ?? []).filter((x) => x !== d)).sort();
                set({ schedule: { ...c.schedule, weekdays: days.length ? days : undefined } });
              }}
            />
          ))}
        </div>
        <p class="hint">{t('campaign.weekdaysHint')}</p>
      </fieldset>
      <h3>{t('campaign.effects')}</h3>
      {c.effects.map((eff, i) => (
        <div class="effect-row" data-testid={`effect-${i}`}>
          <Field label={t('campaign.effectKind', { n: i + 1 })} name={`effect-${i}`} error={errors[`/effects/${i}`]}>
            {(p) => (
              <select {...p} value={eff.kind} onChange={(e) => setEffect(i, effectOf(val(e) as EffectKind))}>
                {EFFECT_KINDS.map((k) => (
                  <option value={k}>{t(`effect.${k}` as AdminKey)}</option>
                ))}
              </select>
            )}
          </Field>
          {EFFECT_FIELDS[eff.kind].map((f) => {
            const raw = (eff as Record<string, unknown>)[f.key] as number | undefined;
            return (
              <Field label={t(`effectField.${f.key}` as AdminKey)} name={`effect-${i}-${f.key}`} required error={errors[`/effects/${i}/${f.key}`]}>
                {(p) => (
                  <input
                    {...p}
                    inputMode="decimal"
                    value={raw === undefined || Number.isNaN(raw) ? '' : String(f.unit === 'money' ? raw / 100 : raw)}
                    onInput={(e) => {
                      const v = num(e);
                      setEffect(i, { ...eff, [f.key]: f.unit === 'money' ? Math.round(v * 100) : v } as Effect);
                    }}
                  />
                )}
              </Field>
            );
          })}
          {eff.kind !== 'points_fixed' ? (
            <Field label={t('campaign.effectCategories')} name={`effect-${i}-categories`} error={errors[`/effects/${i}/lines`]} hint={t('campaign.effectCategoriesHint')}>
              {(p) => (
                <input
                  {...p}
                  value={'lines' in eff && eff.lines?.categories ? eff.lines.categories.join(', ') : ''}
                  onInput={(e) => {
                    const categories = list(val(e));
                    const { lines: _old, ...rest } = eff as Effect & { lines?: unknown };
                    setEffect(i, (categories.length ? { ...rest, lines: { categories } } : rest) as Effect);
                  }}
                />
              )}
            </Field>
          ) : null}
          {c.effects.length > 1 ? (
            <button type="button" class="secondary" onClick={() => set({ effects: c.effects.filter((_, j) => j !== i) })}>
              {t('campaign.removeEffect')}
            </button>
          ) : null}
        </div>
      ))}
      <button type="button" class="secondary" onClick={() => set({ effects: [...c.effects, effectOf('points_fixed')] })}>
        {t('campaign.addEffect')}
      </button>
      <h3>{t('campaign.limits')}</h3>
      <LimitsFields c={c} errors={errors} set={set} couponSeries={props.couponSeries} />
      <JsonEditor c={c} isNew={props.isNew} onChange={props.onChange} errors={errors} />
    </fieldset>
  );
}
