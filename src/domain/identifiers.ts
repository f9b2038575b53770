import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { DomainError } from './errors.js';

/** Ways a member can be found. `member_token` is the rotating token behind the virtual card's QR code. */
export const IDENTIFIER_KINDS = ['phone', 'email', 'card', 'external_id', 'member_token'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export interface Identifier {
  kind: IdentifierKind;
  value: string;
}

const PHONE_CACHE_LIMIT = 20_000;
const phones = new Map<string, string>();

/**
 * The canonical form under which an identifier is stored and looked up: phones in E.164 (a
 * number without a country code is read as Russian, the program's home market), e-mails in lower
 * case, card numbers without spaces or dashes.
 */
export function normaliseIdentifier(kind: IdentifierKind, raw: string, defaultCountry: CountryCode = 'RU'): string {
  const value = raw.trim();
  switch (kind) {
    case 'phone': {
      // Parsing a phone number is the costliest step of a till's lookup by phone; the same
      // numbers come back all day, so valid ones are remembered (a bounded cache of a pure answer).
      const key = `${defaultCountry}|${value}`;
      const known = phones.get(key);
      if (known !== undefined) return known;
      const phone = parsePhoneNumberFromString(value, defaultCountry);
      if (!phone || !phone.isValid()) throw new DomainError('INVALID_IDENTIFIER', `${raw} is not a valid phone number`, { errors: [{ pointer: '/value', detail: 'not a valid phone number' }] });
      if (phones.size >= PHONE_CACHE_LIMIT) phones.clear();
      phones.set(key, phone.number);
      return phone.number;
    }
    case 'email': {
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw new DomainError('INVALID_IDENTIFIER', `${raw} is not an e-mail address`, { errors: [{ pointer: '/value', detail: 'not an e-mail address' }] });
      return value.toLowerCase();
    }
    case 'card': {
      const digits = value.replace(/[\s-]/g, '');
      if (!/^[0-9A-Za-z]{4,64}$/.test(digits)) throw new DomainError('INVALID_IDENTIFIER', 'a card number has 4 to 64 letters or digits', { errors: [{ pointer: '/value', detail: 'not a card number' }] });
      return digits.toUpperCase();
    }
    case 'external_id':
    case 'member_token':
      if (value.length === 0 || value.length > 200) throw new DomainError('INVALID_IDENTIFIER', 'must be 1 to 200 characters', { errors: [{ pointer: '/value', detail: 'must be 1 to 200 characters' }] });
      return value;
  }
}

/** A card number as it may appear in logs: only the last four characters. */
export function maskIdentifier(kind: IdentifierKind, value: string): string {
  if (kind === 'email') return value.replace(/^(.).*(@.*)$/, '$1***$2');
  return value.length <= 4 ? '****' : `${'*'.repeat(Math.min(value.length - 4, 8))}${value.slice(-4)}`;
}
