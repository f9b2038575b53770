
const TEXT = {
  ru: {
    discount: (name: string, money: string) => `Скидка «${name}»: ${money}`,
    bonus: (name: string, n: string) => `Бонусы «${name}»: +${n}`,
    spent: (n: string) => `Оплачено бонусами: ${n}`,
    earned: (n: string) => `Начислено бонусов: ${n}`,
    availableFrom: (d: string) => `Бонусы станут доступны ${d}`,
    balance: (n: string) => `Баланс бонусов: ${n}`,
  },
  en: {
    discount: (name: string, money: string) => `Discount "${name}": ${money}`,
    bonus: (name: string, n: string) => `Bonus "${name}": +${n}`,
    spent: (n: string) => `Paid with points: ${n}`,
    earned: (n: string) => `Points earned: ${n}`,
    availableFrom: (d: string) => `Points can be spent from ${d}`,
    balance: (n: string) => `Points balance: ${n}`,
  },
} as const;

/** Lines the till prints on the receipt, in the program's language and time zone. */
export function receiptText(
  evaluation: { pointsSpent: number; pointsEarned: number; earnedAvailableAt: Date },
  balanceAfter: number | null,
  occurredAt: Date,
  locale: 'ru' | 'en',
  timeZone: string,
  promotions: { name: string; discount: number; points: number }[] = [],
  currency = 'RUB',
): string[] {
  const t = TEXT[locale];
  const num = (n: number) => numberFormat(locale).format(n);
  const date = (d: Date) => dateFormat(locale, timeZone).format(d);
  const out: string[] = [];
  for (const p of promotions) {
    if (p.discount > 0) out.push(t.discount(p.name, moneyFormat(locale, currency).format(p.discount / 10 ** (moneyFormat(locale, currency).resolvedOptions().maximumFractionDigits ?? 2))));
    if (p.points > 0) out.push(t.bonus(p.name, num(p.points)));
  }
  if (evaluation.pointsSpent > 0) out.push(t.spent(num(evaluation.pointsSpent)));
  if (evaluation.pointsEarned > 0) {
    out.push(t.earned(num(evaluation.pointsEarned)));
    if (evaluation.earnedAvailableAt.getTime() > occurredAt.getTime()) out.push(t.availableFrom(date(evaluation.earnedAvailableAt)));
  }
  if (balanceAfter !== null) out.push(t.balance(num(balanceAfter)));
  return out;
}

// Intl formatters are expensive to build and safe to share: one per locale (and zone).
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(locale: 'ru' | 'en'): Intl.NumberFormat {
  let f = numberFormats.get(locale);
  if (!f) numberFormats.set(locale, (f = new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-GB')));
  return f;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();
function moneyFormat(locale: 'ru' | 'en', currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let f = moneyFormats.get(key);
  if (!f) moneyFormats.set(key, (f = new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { style: 'currency', currency })));
  return f;
}

function dateFormat(locale: 'ru' | 'en', timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { timeZone, dateStyle: 'short' })));
  return f;
}
