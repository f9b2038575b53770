// A problem document in the page's language: the problem by its code, a field's error by the
// code when the code says what is wrong with that field, else by the shape of the validator's
// sentence; the server's English detail when neither is known.
import type { Lang } from './i18n.js';
import { fieldNamesEn, fieldNamesRu, problemsEn, problemsRu, type ProblemCode } from './problem-texts.js';

const TEXTS: Record<Lang, Record<string, string>> = { ru: problemsRu, en: problemsEn };

/** Codes that only say "something in the request is wrong": their fields keep their own sentences. */
const GENERAL = new Set(['VALIDATION_FAILED', 'INVALID_SETTINGS', 'INVALID_RULES', 'INVALID_RECEIPT', 'INVALID_SEGMENT_RULE', 'INVALID_DATE_RANGE', 'INVALID_IDENTIFIER']);

/** The page's language, as each app's i18n store sets it on <html lang>. */
export const pageLang = (): Lang => ((globalThis as { document?: { documentElement: { lang: string } } }).document?.documentElement.lang === 'ru' ? 'ru' : 'en');

export const hasProblemText = (code: string): code is ProblemCode => code in problemsRu;

/** The problem's sentence: the translation of its code, else the server's detail. */
export function problemText(problem: { code: string; detail: string }, lang: Lang = pageLang()): string {
  return TEXTS[lang][problem.code] ?? problem.detail;
}

type Rule = [RegExp, (m: RegExpExecArray) => string];

const n = (s: string | undefined) => s ?? '';
/** The validators' sentences (ajv's and the domain's own), in Russian. English keeps the server's. */
const RU_FIELD_RULES: Rule[] = [
  [/^must be <= (-?[\d.]+)$/, (m) => `Не больше ${n(m[1])}.`],
  [/^must be >= (-?[\d.]+)$/, (m) => `Не меньше ${n(m[1])}.`],
  [/^must be < (-?[\d.]+)$/, (m) => `Меньше ${n(m[1])}.`],
  [/^must be > (-?[\d.]+)$/, (m) => `Больше ${n(m[1])}.`],
  [/^must NOT have more than (\d+) characters$/, (m) => `Не длиннее ${n(m[1])} символов.`],
  [/^must NOT have fewer than (\d+) characters?$/, (m) => (m[1] === '1' ? 'Заполните это поле.' : `Не короче ${n(m[1])} символов.`)],
  [/^must NOT have more than (\d+) items$/, (m) => `Не больше ${n(m[1])} элементов.`],
  [/^must NOT have fewer than (\d+) items?$/, (m) => `Хотя бы ${n(m[1])}.`],
  [/^must have required property/, () => 'Заполните это поле.'],
  [/^must be integer$/, () => 'Нужно целое число.'],
  [/^must be number$/, () => 'Нужно число.'],
  [/^must be (string|boolean|array|object|null)$/, () => 'Неверный тип значения.'],
  [/^must match (format|pattern)/, () => 'Неверный формат.'],
  [/^must be equal to (one of the allowed values|constant)$/, () => 'Выберите одно из допустимых значений.'],
  [/^must NOT have additional properties$/, () => 'Лишнее поле.'],
  [/^must NOT have duplicate items/, () => 'Значения повторяются.'],
  [/^must be a positive integer$/, () => 'Целое число больше нуля.'],
  [/^must be a non-negative integer in minor units$/, () => 'Неотрицательная сумма в копейках.'],
  [/^must be a calendar day YYYY-MM-DD$/, () => 'Нужна дата ГГГГ-ММ-ДД.'],
  [/^must be a time HH:MM$/, () => 'Нужно время ЧЧ:ММ.'],
  [/^must not be after to$/, () => 'Начало позже конца.'],
  [/^must be after (from|validFrom)$/, () => 'Должно быть позже начала.'],
  [/^the range may cover at most (\d+) days$/, (m) => `Не больше ${n(m[1])} дней.`],
  [/^must not be blank$/, () => 'Заполните это поле.'],
  [/^must not be in the past$/, () => 'Не в прошлом.'],
  [/^must be in the future$/, () => 'Нужно время в будущем.'],
  [/^not a valid phone number$/, () => 'Неверный номер телефона.'],
  [/^not an e-mail address$/, () => 'Неверный e-mail.'],
  [/^not an ISO 4217 currency code$/, () => 'Нет такой валюты (нужен код ISO 4217).'],
  [/^must be 1 to 200 characters$/, () => 'От 1 до 200 символов.'],
  [/^the program asks for this$/, () => 'Программа просит заполнить это поле.'],
  [/^must not be greater than (.+)$/, (m) => `Не больше поля ${n(m[1])}.`],
  [/^must differ from from/, () => 'Должно отличаться от начала (на весь день — оставьте часы пустыми).'],
  [/^is before from$/, () => 'Раньше начала.'],
  [/^must be a time from 00:00 to 24:00$/, () => 'Время от 00:00 до 24:00.'],
  [/^must be below 100 with at most two decimals$/, () => 'Меньше 100, не больше двух знаков после запятой.'],
  [/^must be above 0 and at most 100, with at most two decimals$/, () => 'Больше 0 и не больше 100, не больше двух знаков после запятой.'],
  [/^must be above 1 with at most two decimals$/, () => 'Больше 1, не больше двух знаков после запятой.'],
  [/^must be at least (\d+)$/, (m) => `Не меньше ${n(m[1])}.`],
  [/^must be no later than (\d{4})-(\d\d)-(\d\d) (\d\d:\d\d) in the program's time zone/, (m) => `Не позже ${m[3]}.${m[2]}.${m[1]} ${m[4]} по часам программы: на год вперёд или до конца расписания акции, но не дальше пяти лет.`],
  [/^must set points, money or both$/, () => 'Укажите бюджет в баллах, в рублях или оба.'],
  [/^must not be empty$/, () => 'Заполните это поле.'],
];

/** A field error's sentence in the page's language. */
export function fieldText(problem: { code: string }, detail: string, lang: Lang = pageLang()): string {
  if (!GENERAL.has(problem.code) && TEXTS[lang][problem.code]) return TEXTS[lang][problem.code]!;
  if (lang === 'en') return detail;
  for (const [re, say] of RU_FIELD_RULES) {
    const m = re.exec(detail);
    if (m) return say(m);
  }
  return detail;
}

/** A pointer's field name in the page's language: "/campaign/budget/warnAtPercent" → "Порог предупреждения"; the pointer itself when unknown. */
export function fieldName(pointer: string, lang: Lang = pageLang()): string {
  const last = pointer
    .replace(/^\w+:/, '')
    .split('/')
    .filter((p) => p !== '' && !/^\d+$/.test(p))
    .pop();
  return (last && (lang === 'ru' ? fieldNamesRu : fieldNamesEn)[last]) || pointer;
}
