// The builder's simulator: the draft on a sample receipt, for a real or a hypothetical member, at
// a moment of the program's clock, at a store and channel, with coupons (POST /v1/simulate).
import type { paths } from '@kopilka/client';
import { useState } from 'preact/hooks';
import { api, unwrap } from '../shared/api';
import { money, num } from '../shared/format';
import { useSubmit, val } from '../shared/form';
import { Card, Check, Field, Problem, Stat } from '../shared/ui';
import type { Choice } from './campaign-extras';
import { campaignPointer, type Campaign } from './campaign-model';
import type { AdminKey } from './i18n';
import { i18n, t } from './t';
import { localParts, zonedDateTime, zonedInstant } from './zoned';

interface SampleLine {
  sku: string;
  category: string;
  quantity: string;
  price: string;
}

/** One campaign's line of the simulator's trace (src/domain/rules/facts.ts CampaignTrace). */
interface TraceLine {
  campaignId: string;
  name: string;
  status: 'applied' | 'not_applied';
  reason: 'schedule' | 'coupon' | 'member' | 'audience' | 'condition' | 'limit' | 'budget' | 'control_group' | 'stacking' | 'no_effect' | null;
}

type Who = 'hypothetical' | 'member' | 'none';
const WHO: Who[] = ['hypothetical', 'member', 'none'];
const FIND_BY = ['phone', 'card', 'email', 'member_id'] as const;
type FindBy = (typeof FIND_BY)[number];

/** A member who does not exist, as the form holds it. */
interface Imagined {
  tierId: string;
  segmentIds: string[];
  birthday: string;
  purchaseCount: string;
  enrolledAt: string;
  lastPurchaseAt: string;
  available: string;
}

type SimulateBody = paths['/v1/simulate']['post']['requestBody']['content']['application/json'];
type Result = Awaited<ReturnType<typeof run>>;
const run = (body: SimulateBody) => unwrap(api.POST('/v1/simulate', { body }));

/** The errors the server found in the draft itself, by the pointer inside the campaign (the rest are the simulator's own fields). */
const draftErrors = (fields: Record<string, string>) => Object.fromEntries(Object.entries(fields).filter(([k]) => k.startsWith('/rules/campaigns/')).map(([k, v]) => [campaignPointer(k), v]));
const whole = (text: string) => (text.trim() === '' ? undefined : Math.max(0, Math.round(Number(text.replace(/\s/g, '')) || 0)));
const list = (text: string) => text.split(',').map((x) => x.trim()).filter(Boolean);

export function Simulator(props: {
  draft: Campaign;
  currency: string;
  timeZone: string;
  tiers: Choice[];
  segments: Choice[];
  stores: Choice[];
  validate: () => boolean;
  onErrors: (e: Record<string, string>) => void;
}) {
  const lang = i18n.lang();
  const [lines, setLines] = useState<SampleLine[]>([{ sku: 'MILK', category: 'dairy', quantity: '2', price: '100' }]);
  const [who, setWho] = useState<Who>('hypothetical');
  const [findBy, setFindBy] = useState<FindBy>('phone');
  const [findValue, setFindValue] = useState('');
  const [imagined, setImagined] = useState<Imagined>({ tierId: '', segmentIds: [], birthday: '', purchaseCount: '', enrolledAt: '', lastPurchaseAt: '', available: '' });
  const [when, setWhen] = useState(() => localParts(new Date(), props.timeZone));
  const [storeId, setStoreId] = useState('');
  const [channel, setChannel] = useState('');
  const [codes, setCodes] = useState('');
  const [assumeCoupon, setAssumeCoupon] = useState(true);
  const [result, setResult] = useState<Result>();
  const f = useSubmit();
  const setLine = (i: number, patch: Partial<SampleLine>) => setLines(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const imagine = (patch: Partial<Imagined>) => setImagined({ ...imagined, ...patch });
  const fieldError = (...pointers: string[]) => pointers.map((p) => f.fields[p]).find(Boolean);

  const simulate = () => {
    if (!props.validate()) return;
    const local: Record<string, string> = {};
    if (!when.date) local['/receipt/occurredAt'] = t('field.required');
    if (who === 'member' && !findValue.trim()) local['/identifier/value'] = t('field.required');
    if (!f.check(local)) return;
    const receiptLines = lines.map((l) => ({ sku: l.sku.trim() || 'SKU', ...(l.category.trim() ? { category: l.category.trim() } : {}), quantity: Math.max(1, Math.round(Number(l.quantity) || 1)), price: Math.round((Number(l.price.replace(',', '.')) || 0) * 100) }));
    const total = receiptLines.reduce((s, l) => s + l.quantity * l.price, 0);
    const presented = list(codes);
    const body: SimulateBody = {
      receipt: {
        total,
        lines: receiptLines,
        occurredAt: zonedInstant(when.date, when.time, props.timeZone).toISOString(),
        ...(storeId ? { storeId } : {}),
        ...(channel.trim() ? { channel: channel.trim() } : {}),
        ...(presented.length ? { coupons: presented } : {}),
      },
      rules: { working: true, campaigns: [props.draft] },
      ...(props.draft.couponSeriesId && assumeCoupon ? { couponSeriesIds: [props.draft.couponSeriesId] } : {}),
    };
    if (who === 'member') {
      if (findBy === 'member_id') body.memberId = findValue.trim();
      else body.identifier = { kind: findBy, value: findValue.trim() };
    } else if (who === 'hypothetical') {
      const day = (d: string) => (d ? zonedInstant(d, '12:00', props.timeZone).toISOString() : undefined);
      const count = whole(imagined.purchaseCount);
      const available = whole(imagined.available);
      body.member = {
        ...(imagined.tierId ? { tierId: imagined.tierId } : {}),
        ...(imagined.segmentIds.length ? { segmentIds: imagined.segmentIds } : {}),
        ...(imagined.birthday ? { birthday: imagined.birthday } : {}),
        ...(count !== undefined ? { purchaseCount: count } : {}),
        ...(imagined.enrolledAt ? { enrolledAt: day(imagined.enrolledAt)! } : {}),
        ...(imagined.lastPurchaseAt ? { lastPurchaseAt: day(imagined.lastPurchaseAt)! } : {}),
        ...(available !== undefined ? { available } : {}),
      };
    }
    void f.run(async () => {
      try {
        setResult(await run(body));
      } catch (e) {
        props.onErrors(draftErrors((e as { fields?: () => Record<string, string> }).fields?.() ?? {}));
        throw e;
      }
    });
  };

  const ev = result?.evaluation as { total: number; discountTotal: number; pointsEarned: number; bonusPoints: number; trace: TraceLine[] } | undefined;
  const sum = (o: { discountTotal: number; pointsEarned: number }) => ({ discount: money(o.discountTotal, props.currency, lang), points: num(o.pointsEarned, lang) });
  return (
    <Card title={t('sim.title')} class="simulator">
      <p class="hint">{t('sim.hint')}</p>
      {lines.map((l, i) => (
        <div class="sim-line">
          <Field label={t('sim.sku')} name={`sku-${i}`}>
            {(p) => <input {...p} value={l.sku} onInput={(e) => setLine(i, { sku: val(e) })} />}
          </Field>
          <Field label={t('sim.category')} name={`category-${i}`}>
            {(p) => <input {...p} value={l.category} onInput={(e) => setLine(i, { category: val(e) })} />}
          </Field>
          <Field label={t('sim.quantity')} name={`quantity-${i}`}>
            {(p) => <input {...p} inputMode="numeric" value={l.quantity} onInput={(e) => setLine(i, { quantity: val(e) })} />}
          </Field>
          <Field label={t('sim.price')} name={`price-${i}`}>
            {(p) => <input {...p} inputMode="decimal" value={l.price} onInput={(e) => setLine(i, { price: val(e) })} />}
          </Field>
        </div>
      ))}
      <button type="button" class="secondary" onClick={() => setLines([...lines, { sku: '', category: '', quantity: '1', price: '' }])}>
        {t('sim.addLine')}
      </button>

      <h3>{t('simx.who')}</h3>
      <Field label={t('simx.whoLabel')} name="sim-who">
        {(p) => (
          <select {...p} value={who} onChange={(e) => setWho(val(e) as Who)}>
            {WHO.map((w) => (
              <option value={w}>{t(`simx.who.${w}`)}</option>
            ))}
          </select>
        )}
      </Field>
      {who === 'member' ? (
        <div class="grid2">
          <Field label={t('simx.findBy')} name="sim-find-by">
            {(p) => (
              <select {...p} value={findBy} onChange={(e) => setFindBy(val(e) as FindBy)}>
                {FIND_BY.map((k) => (
                  <option value={k}>{k === 'member_id' ? t('simx.memberId') : t(`kind.${k}` as AdminKey)}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('simx.findValue')} name="sim-find-value" error={fieldError('/identifier/value', '/identifier', '/memberId')}>
            {(p) => <input {...p} value={findValue} onInput={(e) => setFindValue(val(e))} />}
          </Field>
        </div>
      ) : null}
      {who === 'hypothetical' ? (
        <>
          <p class="hint">{t('simx.hypotheticalHint')}</p>
          <div class="grid2">
            <Field label={t('simx.tier')} name="sim-tier">
              {(p) => (
                <select {...p} value={imagined.tierId} onChange={(e) => imagine({ tierId: val(e) })}>
                  <option value="">{t('simx.noTier')}</option>
                  {props.tiers.map(({ id, name }) => (
                    <option value={id}>{name}</option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('simx.birthday')} name="sim-birthday" error={fieldError('/member/birthday')}>
              {(p) => <input {...p} type="date" value={imagined.birthday} onInput={(e) => imagine({ birthday: val(e) })} />}
            </Field>
            <Field label={t('simx.purchaseCount')} name="sim-purchases" hint={t('simx.purchaseCountHint')}>
              {(p) => <input {...p} inputMode="numeric" value={imagined.purchaseCount} onInput={(e) => imagine({ purchaseCount: val(e) })} />}
            </Field>
            <Field label={t('simx.available')} name="sim-available">
              {(p) => <input {...p} inputMode="numeric" value={imagined.available} onInput={(e) => imagine({ available: val(e) })} />}
            </Field>
            <Field label={t('simx.enrolledAt')} name="sim-enrolled" hint={t('simx.enrolledAtHint')}>
              {(p) => <input {...p} type="date" value={imagined.enrolledAt} onInput={(e) => imagine({ enrolledAt: val(e) })} />}
            </Field>
            <Field label={t('simx.lastPurchaseAt')} name="sim-last-purchase">
              {(p) => <input {...p} type="date" value={imagined.lastPurchaseAt} onInput={(e) => imagine({ lastPurchaseAt: val(e) })} />}
            </Field>
          </div>
          {props.segments.length > 0 ? (
            <fieldset class="choice">
              <legend>{t('simx.segments')}</legend>
              {props.segments.map((s) => (
                <Check
                  name={`sim-segment-${s.id}`}
                  label={t('simx.inSegment', { name: s.name })}
                  checked={imagined.segmentIds.includes(s.id)}
                  onChange={(on) => imagine({ segmentIds: on ? [...imagined.segmentIds, s.id] : imagined.segmentIds.filter((x) => x !== s.id) })}
                />
              ))}
            </fieldset>
          ) : null}
        </>
      ) : null}

      <h3>{t('simx.whenWhere')}</h3>
      <div class="grid2">
        <Field label={t('simx.date')} name="sim-date" required error={fieldError('/receipt/occurredAt')} hint={t('simx.dateHint', { zone: zoneName(props.timeZone, lang) })}>
          {(p) => <input {...p} type="date" value={when.date} onInput={(e) => setWhen({ ...when, date: val(e) })} />}
        </Field>
        <Field label={t('simx.time')} name="sim-time">
          {(p) => <input {...p} type="time" value={when.time} onInput={(e) => setWhen({ ...when, time: val(e) })} />}
        </Field>
        <Field label={t('simx.store')} name="sim-store">
          {(p) => (
            <select {...p} value={storeId} onChange={(e) => setStoreId(val(e))}>
              <option value="">{t('simx.noStore')}</option>
              {props.stores.map((s) => (
                <option value={s.id}>{s.name}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('simx.channel')} name="sim-channel" hint={t('simx.channelHint')}>
          {(p) => <input {...p} value={channel} onInput={(e) => setChannel(val(e))} />}
        </Field>
        <Field label={t('simx.coupons')} name="sim-coupons" hint={t('simx.couponsHint')}>
          {(p) => <input {...p} value={codes} onInput={(e) => setCodes(val(e))} />}
        </Field>
      </div>
      {props.draft.couponSeriesId ? <Check name="sim-assume-coupon" label={t('simx.assumeCoupon')} checked={assumeCoupon} onChange={setAssumeCoupon} /> : null}
      <div class="row">
        <button type="button" onClick={simulate} disabled={f.busy}>
          {t('sim.run')}
        </button>
      </div>
      {f.error?.code === 'MEMBER_NOT_FOUND' ? <p class="problem" role="alert">{t('simx.memberNotFound')}</p> : <Problem error={f.error} title={t('error.title')} />}
      {result && ev ? (
        <div data-testid="simulation" aria-live="polite">
          <p>
            {result.member.kind === 'member' ? t('simx.forMember', { name: result.member.name ?? t('member.noName') }) : t(`simx.for.${result.member.kind}`)} · {zonedDateTime(result.occurredAt, lang, props.timeZone)}
          </p>
          <div class="stats">
            <Stat label={t('sim.total')} value={money(ev.total, props.currency, lang)} />
            <Stat label={t('sim.discount')} value={money(ev.discountTotal, props.currency, lang)} />
            <Stat label={t('sim.points')} value={num(ev.pointsEarned, lang)} hint={t('sim.bonus', { n: num(ev.bonusPoints, lang) })} />
          </div>
          <ul class="plain" data-testid="trace">
            {ev.trace.map((x) => (
              <li key={x.campaignId}>
                <strong>{x.name}</strong>: {x.status === 'applied' ? t('sim.applied') : t('sim.notApplied', { reason: t(`sim.reason.${x.reason ?? 'no_effect'}`) })}
              </li>
            ))}
          </ul>
          {result.controlGroups.length > 0 ? (
            <ul class="plain notice" data-testid="control-groups">
              {result.controlGroups.map((g) => {
                const params = { name: g.name, percent: num(g.percent, lang) };
                const outside = sum(g.outside);
                const inside = sum(g.inside);
                return (
                  <li key={g.campaignId}>
                    {g.inGroup === true
                      ? t('simx.control.in', { ...params, discount: outside.discount, points: outside.points })
                      : g.inGroup === false
                        ? t('simx.control.out', { ...params, discount: inside.discount, points: inside.points })
                        : t('simx.control.unknown', { ...params, outDiscount: outside.discount, outPoints: outside.points, inDiscount: inside.discount, inPoints: inside.points })}
                  </li>
                );
              })}
            </ul>
          ) : null}
          {result.coupons.length > 0 ? (
            <ul class="plain" data-testid="sim-coupons">
              {result.coupons.map((c) => (
                <li>
                  <code>{c.code}</code>: {t(`simx.coupon.${c.status as 'applied' | 'not_applied' | 'refused'}`)}
                </li>
              ))}
            </ul>
          ) : null}
          <details>
            <summary>{t('sim.details')}</summary>
            <pre class="explain" lang="en">
              {result.explanation.join('\n')}
            </pre>
          </details>
        </div>
      ) : null}
    </Card>
  );
}

/** The program's time zone as people name it ("Москва, стандартное время"), not its IANA id. */
function zoneName(timeZone: string, lang: string): string {
  try {
    return new Intl.DateTimeFormat(lang, { timeZone, timeZoneName: 'longGeneric' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
  } catch {
    return timeZone;
  }
}
