// Wall-clock times in the program's time zone, whatever the browser's zone: what a marketer
// means by "Saturday 11:00" is the program's Saturday (DESIGN.md: calendar rules use it).

const parts = (at: Date, timeZone: string) => {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, utc: Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) };
};

/** The zone's offset from UTC at an instant, in milliseconds (Moscow: +3 h). */
const offsetAt = (ms: number, timeZone: string) => parts(new Date(ms), timeZone).utc - Math.floor(ms / 1000) * 1000;

/** The local date (YYYY-MM-DD) and time (HH:MM) of an instant in a time zone. */
export const localParts = (at: Date, timeZone: string): { date: string; time: string } => {
  const p = parts(at, timeZone);
  return { date: p.date, time: p.time };
};

/**
 * The instant at which the zone's clocks show `date` `time`: zonedInstant('2026-04-11', '11:00',
 * 'Europe/Moscow') → 2026-04-11T08:00:00.000Z. A time skipped by a clock change moves forward.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T${time || '00:00'}:00Z`);
  let at = wall - offsetAt(wall, timeZone);
  // Once more with the offset at the first guess: right on both sides of a clock change.
  at = wall - offsetAt(at, timeZone);
  return new Date(at);
}

/** An instant as the zone's clocks show it, with the weekday: "суббота, 11 апреля 2026 г. в 11:00". */
export const zonedDateTime = (iso: string, lang: 'ru' | 'en', timeZone: string): string =>
  new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone }).format(new Date(iso));
