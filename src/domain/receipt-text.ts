
const TEXT = {
  ru: {
    spent: (n: string) => `Оплачено бонусами: ${n}`,
    earned: (n: string) => `Начислено бонусов: ${n}`,
    availableFrom: (d: string) => `Бонусы станут доступны ${d}`,
    balance: (n: string) => `Баланс бонусов: ${n}`,
  },
  en: {
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
): string[] {
  const t = TEXT[locale];
  const num = (n: number) => numberFormat(locale).format(n);
  const date = (d: Date) => dateFormat(locale, timeZone).format(d);
  const out: string[] = [];
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

function dateFormat(locale: 'ru' | 'en', timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { timeZone, dateStyle: 'short' })));
  return f;
}
