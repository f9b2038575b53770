import { DomainError } from '../../domain/errors.js';
import { normaliseIdentifier, type Identifier } from '../../domain/identifiers.js';
import { cell, type Mapping } from '../../domain/import/mapping.js';
import { parseBoolean, parseCalendarDate, parseGender, parseInstant, parseText } from '../../domain/import/values.js';
import { markHistory } from '../../store/analytics-aggregate.js';
import { findIdentifierOwners, writeImportedMembers, type ImportedMember, type MemberFill, type MemberWrites, type OwnerRow } from '../../store/import-members.js';
import type { AppContext, CachedProgram } from '../context.js';
import { BatchConflict, field, oneItem, type BatchOutcome, type Importer, type Item } from './batch.js';
import type { SourceRecord } from './source.js';
import type { OnExisting, RejectedRow } from './types.js';

/** A member as a row of the file gives it, every value checked and normalised. */
export interface MemberItem extends Item {
  identifiers: Identifier[];
  profile: Omit<ImportedMember, 'memberId' | 'createdAt'>;
  enrolledAt: Date | null;
}

const PROFILE = ['name', 'phone', 'email', 'birthday', 'gender', 'city'] as const;
const IDENTIFIER_FIELDS = [['externalId', 'external_id'], ['card', 'card'], ['phone', 'phone'], ['email', 'email']] as const;

/**
 * Members from a file. A row's identifiers (external id, card, phone, e-mail) say who it is:
 * when none is known, the member is created; when they all belong to one member, that member is
 * the row's, and the row only fills what the member lacks (empty profile fields, missing
 * attributes and consents, identifiers nobody holds) — nothing the member has is overwritten, so
 * a second import of the same file changes nothing. With `onExisting: 'update'` (a corrected
 * file), the row's non-empty profile fields and attributes replace the member's; consents are
 * still only filled, so that a consent the member withdrew is not given back by an old CRM export.
 * Identifiers of two different members in one row refuse the row.
 */
export class MemberImporter implements Importer<MemberItem> {
  constructor(
    private readonly ctx: AppContext,
    private readonly program: CachedProgram,
    private readonly mapping: Mapping,
    private readonly columns: readonly string[],
    private readonly onExisting: OnExisting = 'fill',
  ) {}

  add(record: SourceRecord): { items: MemberItem[]; rejects: RejectedRow[] } {
    return oneItem(record, (r) => this.#prepare(r));
  }

  end() {
    return { items: [], rejects: [] };
  }

  #prepare(record: SourceRecord): MemberItem {
    const m = this.mapping;
    const v = record.values;
    const col = (f: string) => this.columns[m.fields.get(f)!] ?? f;
    const get = <T>(f: string, parse: (t: string) => T) => field(col(f), cell(m, v, f), parse);
    const identifiers: Identifier[] = [];
    for (const [f, kind] of IDENTIFIER_FIELDS) {
      const value = get(f, (t) => normaliseIdentifier(kind, t));
      if (value !== undefined) identifiers.push({ kind, value });
    }
    if (identifiers.length === 0) throw new DomainError('INVALID_ROW', 'the row has no identifier (externalId, card, phone or e-mail)');
    const first = get('firstName', (t) => parseText(t, 100));
    const last = get('lastName', (t) => parseText(t, 100));
    const name = get('name', (t) => parseText(t, 200)) ?? ([first, last].filter(Boolean).join(' ') || undefined);
    const attributes: Record<string, unknown> = {};
    for (const a of m.attributes) {
      const t = v[a.index]?.trim();
      if (t) attributes[a.name] = t;
    }
    const consents: Record<string, boolean> = {};
    for (const c of m.consents) {
      const t = v[c.index]?.trim();
      if (t) consents[c.channel] = field(this.columns[c.index] ?? c.channel, t, parseBoolean)!;
    }
    const enrolledAt = get('enrolledAt', (t) => parseInstant(t, this.program.settings.timeZone)) ?? null;
    if (enrolledAt && enrolledAt.getTime() > this.ctx.clock().getTime()) throw new DomainError('INVALID_ROW', `${col('enrolledAt')}: is in the future`);
    return {
      rows: [{ line: record.line, values: v }],
      identifiers,
      profile: {
        name: name ?? null,
        phone: identifiers.find((i) => i.kind === 'phone')?.value ?? null,
        email: identifiers.find((i) => i.kind === 'email')?.value ?? null,
        birthday: get('birthday', parseCalendarDate) ?? null,
        gender: get('gender', parseGender) ?? null,
        city: get('city', (t) => parseText(t, 200)) ?? null,
        attributes,
        consents,
      },
      enrolledAt,
    };
  }

  async write(items: MemberItem[]): Promise<BatchOutcome> {
    const programId = this.program.programId;
    return this.ctx.db.transaction().execute(async (trx) => {
      const now = this.ctx.clock();
      const keys = new Map<string, Identifier>();
      for (const i of items) for (const id of i.identifiers) keys.set(`${id.kind}:${id.value}`, id);
      const plan = new MembersPlan(this.ctx, await findIdentifierOwners(trx, programId, [...keys.values()]), now, this.onExisting === 'update');
      const outcome: BatchOutcome = { counts: { membersCreated: 0, membersUpdated: 0, membersUnchanged: 0 }, rejects: [] };
      for (const item of items) {
        const result = plan.add(item);
        if (typeof result === 'string') outcome.counts[result]! += 1;
        else outcome.rejects.push({ item, code: 'IDENTIFIER_TAKEN', reason: result.reason });
      }
      const writes = plan.writes();
      if (writes.created.length + writes.claims.length + writes.fills.length > 0) {
        const claimed = await writeImportedMembers(trx, programId, now, writes, [], this.onExisting === 'update');
        if (claimed !== writes.claims.length) throw new BatchConflict('an identifier of the batch was claimed by another writer meanwhile');
      }
      // Members enrolled in the past: the analytics job recomputes from the earliest (docs/adr/0020).
      if (writes.created.length > 0) await markHistory(trx, programId, new Date(writes.created.reduce((t, m) => Math.min(t, m.createdAt.getTime()), Infinity)), now);
      return outcome;
    });
  }
}

interface PlannedMember {
  memberId: string;
  isNew: boolean;
  anonymised: boolean;
  current: MemberFill & { createdAt: Date };
  /** For an existing member: what the file fills. */
  fill: MemberFill | null;
}

/** Decides, in memory and in file order, what each row of a batch creates or fills. */
class MembersPlan {
  readonly #owners = new Map<string, string>();
  readonly #members = new Map<string, PlannedMember>();
  readonly #claims: MemberWrites['claims'] = [];

  constructor(
    private readonly ctx: AppContext,
    owners: OwnerRow[],
    private readonly now: Date,
    private readonly overwrite: boolean,
  ) {
    for (const o of owners) {
      this.#owners.set(`${o.kind}:${o.value}`, o.member_id);
      if (this.#members.has(o.member_id)) continue;
      const { name, phone, email, birthday, gender, city, attributes, consents } = o;
      this.#members.set(o.member_id, {
        memberId: o.member_id,
        isNew: false,
        anonymised: o.status === 'anonymised',
        current: { memberId: o.member_id, name, phone, email, birthday, gender, city, attributes, consents, createdAt: o.created_at },
        fill: null,
      });
    }
  }

  add(item: MemberItem): 'membersCreated' | 'membersUpdated' | 'membersUnchanged' | { reason: string } {
    const owners = new Map<string, Identifier>();
    for (const id of item.identifiers) {
      const owner = this.#owners.get(`${id.kind}:${id.value}`);
      if (owner && !owners.has(owner)) owners.set(owner, id);
    }
    if (owners.size > 1) {
      const [a, b] = [...owners.values()];
      return { reason: `${a!.kind} ${a!.value} and ${b!.kind} ${b!.value} belong to two different members` };
    }
    if (owners.size === 0) {
      const memberId = this.ctx.newId();
      this.#members.set(memberId, {
        memberId,
        isNew: true,
        anonymised: false,
        current: { memberId, ...item.profile, attributes: { ...item.profile.attributes }, consents: { ...item.profile.consents }, createdAt: item.enrolledAt ?? this.now },
        fill: null,
      });
      this.#claim(memberId, item.identifiers);
      return 'membersCreated';
    }
    const member = this.#members.get([...owners.keys()][0]!)!;
    if (member.anonymised) return 'membersUnchanged';
    const fresh = item.identifiers.filter((id) => !this.#owners.has(`${id.kind}:${id.value}`));
    this.#claim(member.memberId, fresh);
    const changed = this.#fill(member, item, new Set(item.identifiers.map((i) => `${i.kind}:${i.value}`))) || fresh.length > 0;
    return changed ? 'membersUpdated' : 'membersUnchanged';
  }

  #claim(memberId: string, ids: Identifier[]): void {
    for (const id of ids) {
      this.#owners.set(`${id.kind}:${id.value}`, memberId);
      this.#claims.push({ memberId, kind: id.kind, value: id.value });
    }
  }

  /**
   * Fills what the member lacks from the row (or, overwriting, replaces what differs); the phone
   * and e-mail only when they are (now) the member's identifiers.
   */
  #fill(member: PlannedMember, item: MemberItem, ownKeys: Set<string>): boolean {
    const patch: MemberFill = { memberId: member.memberId, name: null, phone: null, email: null, birthday: null, gender: null, city: null, attributes: {}, consents: {} };
    let changed = false;
    for (const f of PROFILE) {
      const value = item.profile[f];
      if (value === null || member.current[f] === value || (member.current[f] !== null && !this.overwrite)) continue;
      if ((f === 'phone' || f === 'email') && !(ownKeys.has(`${f}:${value}`) && this.#owners.get(`${f}:${value}`) === member.memberId)) continue;
      member.current[f] = value;
      patch[f] = value;
      changed = true;
    }
    for (const [k, value] of Object.entries(item.profile.attributes)) {
      if (k in member.current.attributes && (!this.overwrite || member.current.attributes[k] === value)) continue;
      member.current.attributes[k] = patch.attributes[k] = value;
      changed = true;
    }
    for (const [k, value] of Object.entries(item.profile.consents)) {
      if (k in member.current.consents) continue;
      member.current.consents[k] = patch.consents[k] = value;
      changed = true;
    }
    if (changed && !member.isNew) member.fill = this.overwrite ? mergeFill(patch, member.fill) : mergeFill(member.fill, patch);
    return changed;
  }

  writes(): MemberWrites {
    const created: ImportedMember[] = [];
    const fills: MemberFill[] = [];
    for (const m of this.#members.values()) {
      if (m.isNew) created.push({ ...m.current });
      else if (m.fill) fills.push(m.fill);
    }
    return { created, claims: this.#claims, fills };
  }
}

/** Two fills of one member: `a`'s values win over `b`'s. */
function mergeFill(a: MemberFill, b: MemberFill | null): MemberFill;
function mergeFill(a: MemberFill | null, b: MemberFill): MemberFill;
function mergeFill(a: MemberFill | null, b: MemberFill | null): MemberFill {
  if (!a) return b!;
  if (!b) return a;
  const pick = <K extends keyof MemberFill>(k: K) => a[k] ?? b[k];
  return {
    memberId: a.memberId,
    name: pick('name'),
    phone: pick('phone'),
    email: pick('email'),
    birthday: pick('birthday'),
    gender: pick('gender'),
    city: pick('city'),
    attributes: { ...b.attributes, ...a.attributes },
    consents: { ...b.consents, ...a.consents },
  };
}
