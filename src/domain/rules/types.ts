/**
 * The rule format: campaigns (акции) and tiers (уровни) as JSON data. The TypeBox schemas are
 * the one definition: the HTTP layer uses them for request validation and OpenAPI, the domain
 * takes its types from them (`Static`), and `validateRuleSet` checks a value against them before
 * the semantic checks. docs/rules.md explains every field with examples.
 *
 * Objects reject fields they do not know (DESIGN.md). Money is in minor units, points are
 * integers, percentages are numbers from 0 to 100 with at most two decimals.
 */
import { Type, type Static, type TSchema } from 'typebox';

const Obj = <T extends Record<string, TSchema>>(props: T, options: Record<string, unknown> = {}) =>
  Type.Object(props, { additionalProperties: false, ...options });
const OneOf = <const T extends string[]>(values: readonly [...T], description?: string) => Type.Enum(values, description ? { description } : {});

export const Id = Type.String({ minLength: 1, maxLength: 100 });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Minor = Type.Integer({ minimum: 0, description: 'money in minor units (kopecks)' });
const Points = Type.Integer({ minimum: 0, description: 'points (integer)' });
const Percent = Type.Number({ minimum: 0, maximum: 100, description: 'percent, two decimals at most' });
const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: "a calendar date in the program's time zone, YYYY-MM-DD" });
const LocalTime = Type.String({ pattern: '^\\d{2}:\\d{2}$', description: "HH:MM in the program's time zone, 00:00–24:00" });
const Strings = (description: string) => Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 10_000, description });

export const BLOCKS = ['main', 'mass', 'targeted'] as const;
/** The block of the program an effect's cost is booked to (DESIGN.md, "the three blocks"). */
export const Block = OneOf(BLOCKS, 'main scheme, non-targeted (mass) or targeted campaigns');
export type Block = Static<typeof Block>;

/**
 * Which lines of a receipt a condition or an effect looks at. A line matches when its SKU is in
 * `skus` or its category in `categories` (either list; neither = every line), and it is in
 * neither exclusion list.
 */
export const LineFilter = Obj({
  skus: Type.Optional(Strings('lines with these SKUs')),
  categories: Type.Optional(Strings('lines in these categories')),
  excludeSkus: Type.Optional(Strings('but never lines with these SKUs')),
  excludeCategories: Type.Optional(Strings('but never lines in these categories')),
});
export type LineFilter = Static<typeof LineFilter>;
const Lines = Type.Optional(LineFilter);

/**
 * When a campaign runs, in the program's time zone. Every part is optional; all given parts
 * must hold. `from`/`to` are inclusive local dates. `weekdays` are ISO numbers (1 = Monday …
 * 7 = Sunday). `hours` are windows [from, to); a window whose `to` is not after its `from`
 * crosses midnight, and its hours after midnight belong to the weekday it opened on.
 */
export const Schedule = Obj({
  from: Type.Optional(LocalDate),
  to: Type.Optional(LocalDate),
  weekdays: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { maxItems: 7 })),
  hours: Type.Optional(Type.Array(Obj({ from: LocalTime, to: LocalTime }), { maxItems: 24 })),
});
export type Schedule = Static<typeof Schedule>;

const AttributeName = Type.String({ minLength: 1, maxLength: 100 });
const Scalar = Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean()]);
/** A test of one named attribute (a member's, or an event's). */
const attributeTests = <K extends string>(kind: K) =>
  [
  Obj({ kind: Type.Literal(kind), name: AttributeName, op: OneOf(['eq', 'ne']), value: Scalar }),
  Obj({ kind: Type.Literal(kind), name: AttributeName, op: OneOf(['in', 'not_in']), values: Type.Array(Type.Union([Type.String({ maxLength: 1000 }), Type.Number()]), { maxItems: 10_000 }) }),
  Obj({ kind: Type.Literal(kind), name: AttributeName, op: OneOf(['gt', 'gte', 'lt', 'lte']), value: Type.Number() }),
  Obj({ kind: Type.Literal(kind), name: AttributeName, op: OneOf(['exists', 'not_exists']) }),
  ] as const;

/** Who a campaign is for. Every rule of a campaign's audience must hold; no rules = everyone. */
export const AudienceRule = Type.Union([
  Obj({ kind: Type.Literal('member') }),
  Obj({ kind: Type.Literal('tiers'), tierIds: Strings('tier ids'), match: OneOf(['any', 'none']) }),
  Obj({ kind: Type.Literal('segments'), segmentIds: Strings('segment ids'), match: OneOf(['any', 'all', 'none']) }),
  ...attributeTests('attribute'),
  Obj({ kind: Type.Literal('birthday'), daysBefore: Type.Integer({ minimum: 0, maximum: 180 }), daysAfter: Type.Integer({ minimum: 0, maximum: 180 }) }),
  Obj({ kind: Type.Literal('first_purchase') }),
  Obj({ kind: Type.Literal('nth_purchase'), n: Type.Integer({ minimum: 1 }), every: Type.Boolean({ description: 'every n-th purchase, not only the n-th' }) }),
  Obj({ kind: Type.Literal('lapsed'), days: Type.Integer({ minimum: 1, maximum: 3650, description: 'no purchase (or, never having bought, enrolled) this many days ago or more' }) }),
  Obj({ kind: Type.Literal('new_member'), days: Type.Integer({ minimum: 1, maximum: 3650, description: 'enrolled fewer than this many days ago' }) }),
]);
export type AudienceRule = Static<typeof AudienceRule>;

const Range = { min: Type.Optional(Type.Integer({ minimum: 0 })), max: Type.Optional(Type.Integer({ minimum: 0 })) };
/** What the receipt must show (as the till sent it: after the till's discounts, before any campaign's). All must hold. */
export const Condition = Type.Union([
  Obj({ kind: Type.Literal('total'), ...Range, lines: Lines }),
  Obj({ kind: Type.Literal('quantity'), ...Range, lines: Lines }),
  Obj({ kind: Type.Literal('lines'), lines: LineFilter, match: OneOf(['any', 'all'], "any: some line matches; all: every listed SKU and category is on the receipt") }),
  Obj({ kind: Type.Literal('store'), storeIds: Strings('store ids'), match: OneOf(['any', 'none']) }),
  Obj({ kind: Type.Literal('channel'), channels: Strings("sales channels as the caller names them, e.g. 'pos', 'online', 'app'") }),
  ...attributeTests('event_attribute'),
]);
export type Condition = Static<typeof Condition>;

/** What a campaign gives. Discounts are money off lines; points are earned on the money paid. */
export const Effect = Type.Union([
  Obj({ kind: Type.Literal('points_fixed'), points: Points }),
  Obj({ kind: Type.Literal('points_per_item'), points: Points, lines: Lines }),
  Obj({ kind: Type.Literal('points_per_amount'), points: Points, per: Type.Integer({ minimum: 1, description: 'for every full `per` minor units paid' }), lines: Lines }),
  Obj({ kind: Type.Literal('points_percent'), percent: Percent, lines: Lines }),
  Obj({ kind: Type.Literal('points_multiplier'), multiplier: Type.Number({ minimum: 1, maximum: 100, description: 'x the base earning, two decimals at most' }), lines: Lines }),
  Obj({ kind: Type.Literal('discount_percent'), percent: Percent, lines: Lines }),
  Obj({ kind: Type.Literal('discount_fixed'), amount: Minor, lines: Lines }),
  Obj({ kind: Type.Literal('cheapest_free'), count: Type.Integer({ minimum: 1 }), minQuantity: Type.Integer({ minimum: 1 }), lines: Lines }),
  Obj({ kind: Type.Literal('nth_item'), n: Type.Integer({ minimum: 2 }), price: Minor, lines: Lines }),
  Obj({ kind: Type.Literal('nth_item'), n: Type.Integer({ minimum: 2 }), percent: Percent, lines: Lines }),
]);
export type Effect = Static<typeof Effect>;
export type EffectKind = Effect['kind'];

export const LIMIT_PERIODS = ['day', 'week', 'month', 'campaign'] as const;
export type LimitPeriod = (typeof LIMIT_PERIODS)[number];

/** How a campaign combines with others (docs/rules.md, "Stacking"). */
export const Stacking = OneOf(['stack', 'exclusive', 'best_of']);
export type Stacking = Static<typeof Stacking>;

export const Campaign = Obj({
  id: Id,
  name: Name,
  kind: OneOf(['purchase', 'event']),
  eventType: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "event campaigns only, e.g. 'questionnaire_filled'" })),
  block: Block,
  schedule: Schedule,
  audience: Type.Array(AudienceRule, { maxItems: 50 }),
  conditions: Type.Array(Condition, { maxItems: 50 }),
  effects: Type.Array(Effect, { minItems: 1, maxItems: 20 }),
  limits: Obj({
    perMember: Type.Optional(Obj({ count: Type.Integer({ minimum: 1 }), period: OneOf(LIMIT_PERIODS) })),
    perReceipt: Type.Optional(Obj({ discount: Type.Optional(Minor), points: Type.Optional(Points) }, { description: "caps on this campaign's discount and points on one receipt" })),
  }),
  budget: Type.Optional(Obj({ points: Type.Optional(Points), money: Type.Optional(Minor), warnAtPercent: Type.Integer({ minimum: 1, maximum: 100 }) })),
  priority: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, description: 'higher first' }),
  stacking: Stacking,
  controlGroupPercent: Percent,
  couponSeriesId: Type.Optional(Id),
});
export type Campaign = Static<typeof Campaign>;

export const TIER_METRICS = ['spend', 'purchases', 'points'] as const;
export type TierMetric = (typeof TIER_METRICS)[number];

export const Tier = Obj({
  id: Id,
  name: Name,
  rank: Type.Integer({ minimum: 0, maximum: 1000, description: 'higher is better; 0 for the entry tier' }),
  qualification: Obj({
    metric: OneOf(TIER_METRICS, 'money paid (minor units), purchases made, or points earned in the window'),
    min: Type.Integer({ minimum: 0 }),
  }),
  benefits: Obj({
    earnMultiplier: Type.Number({ minimum: 1, maximum: 100, description: 'x the base earning, two decimals at most' }),
    discountPercent: Percent,
    maxRedeemPercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: "raises the program's largest share of a receipt payable with points" })),
    perks: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 }),
  }),
});
export type Tier = Static<typeof Tier>;

/** How tiers are earned and kept; one policy per program (src/domain/tiers.ts). */
export const TierPolicy = Obj({
  window: Type.Union([
    Obj({ kind: Type.Literal('rolling'), days: Type.Integer({ minimum: 1, maximum: 3650 }) }),
    Obj({ kind: Type.Literal('calendar'), period: OneOf(['month', 'quarter', 'year']) }),
  ]),
  graceDays: Type.Integer({ minimum: 0, maximum: 3650, description: 'a downgrade waits this long after the period ends' }),
});
export type TierPolicy = Static<typeof TierPolicy>;

/** One version of a program's rules: what `compileRules` takes and a save validates. */
export const RuleSet = Obj({
  campaigns: Type.Array(Campaign, { maxItems: 10_000 }),
  tiers: Type.Array(Tier, { maxItems: 100 }),
  tierPolicy: Type.Optional(TierPolicy),
});
export type RuleSet = Static<typeof RuleSet>;
