import type { FieldError } from './errors.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * Opening hours per weekday in the program's time zone, each day a list of [open, close] as
 * "HH:MM". A day that is missing or empty is closed; "00:00"–"24:00" is open round the clock; a
 * close earlier than the open runs past midnight ("22:00"–"02:00").
 */
export type OpeningHours = Partial<Record<Weekday, [string, string][]>>;

export interface StoreProfile {
  name: string;
  address: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  openingHours: OpeningHours | null;
  phone: string | null;
  partner: string | null;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** Checks what a schema cannot: coordinates given as a pair, times that are times. */
export function storeProfileErrors(p: Partial<StoreProfile>): FieldError[] {
  const errors: FieldError[] = [];
  if ((p.latitude == null) !== (p.longitude == null)) {
    errors.push({ pointer: p.latitude == null ? '/latitude' : '/longitude', detail: 'latitude and longitude are given together or not at all' });
  }
  if (p.latitude != null && (p.latitude < -90 || p.latitude > 90)) errors.push({ pointer: '/latitude', detail: 'must be between -90 and 90' });
  if (p.longitude != null && (p.longitude < -180 || p.longitude > 180)) errors.push({ pointer: '/longitude', detail: 'must be between -180 and 180' });
  for (const [day, spans] of Object.entries(p.openingHours ?? {})) {
    spans?.forEach(([open, close], i) => {
      const at = `/openingHours/${day}/${i}`;
      if (!TIME.test(open)) errors.push({ pointer: `${at}/0`, detail: 'must be a time HH:MM' });
      if (!TIME.test(close)) errors.push({ pointer: `${at}/1`, detail: 'must be a time HH:MM' });
      if (open === close) errors.push({ pointer: at, detail: 'opens and closes at the same time' });
    });
  }
  return errors;
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine); e.g. Tverskaya to Arbat in Moscow ≈ 1.6 km. */
export function distanceMetres(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
