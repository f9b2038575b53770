import { RFM_SEGMENTS, type RfmSegment } from '../../domain/analytics/rfm.js';
import { checkSegmentRule, type SegmentRule } from '../../domain/analytics/segment-rules.js';
import { DomainError } from '../../domain/errors.js';
import {
  deleteSegment,
  findSegment,
  insertSegments,
  pageSegments,
  segmentMembers,
  segmentsOfMember,
  updateSegment,
  type SegmentRow,
  type SegmentSortKey,
} from '../../store/analytics-segments.js';
import type { SegmentKind } from '../../store/schema-analytics.js';
import { decodeCursor, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../../domain/list-paging.js';
import { afterRow } from '../../store/keyset.js';
import { audit } from '../audit.js';
import type { Actor, AppContext } from '../context.js';
import { isUuid, requireMember } from '../members.js';

/** The built-in segments every program has: the ten RFM segments and the model's at-risk segment. */
export const AT_RISK = { code: 'at_risk', ru: 'Риск ухода (модель)', en: 'Churn risk (model)', about: "members whose probability of still being a customer fell below the threshold or dropped sharply since the previous fit" };
export const rfmCode = (segment: RfmSegment) => `rfm:${segment}`;

export interface SegmentView {
  id: string;
  kind: SegmentKind;
  /** Built-in segments: `rfm:<segment>` or `at_risk`; null for rule segments. */
  code: string | null;
  name: string;
  /** Russian and English names of a built-in segment; null for rule segments. */
  names: { ru: string; en: string } | null;
  description: string | null;
  rule: SegmentRule | null;
  /** Null until the job has computed the segment. */
  memberCount: number | null;
  computedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

function namesOf(code: string | null): { ru: string; en: string } | null {
  if (code === AT_RISK.code) return { ru: AT_RISK.ru, en: AT_RISK.en };
  const rfm = code?.startsWith('rfm:') ? RFM_SEGMENTS[code.slice(4) as RfmSegment] : undefined;
  return rfm ? { ru: rfm.ru, en: rfm.en } : null;
}

export const segmentView = (r: SegmentRow): SegmentView => ({
  id: r.segmentId,
  kind: r.kind,
  code: r.code,
  name: r.name,
  names: namesOf(r.code),
  description: r.description,
  rule: (r.rule as SegmentRule | null) ?? null,
  memberCount: r.memberCount,
  computedAt: r.computedAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** Creates the built-in segments a program does not have yet (idempotent). */
export async function ensureBuiltinSegments(ctx: AppContext, programId: string): Promise<void> {
  const at = ctx.clock();
  await insertSegments(ctx.db, programId, [
    ...(Object.entries(RFM_SEGMENTS) as [RfmSegment, (typeof RFM_SEGMENTS)[RfmSegment]][]).map(([segment, names]) => ({
      segmentId: ctx.newId(),
      kind: 'rfm' as const,
      code: rfmCode(segment),
      name: names.en,
      description: names.about,
      rule: null,
      at,
    })),
    { segmentId: ctx.newId(), kind: 'at_risk', code: AT_RISK.code, name: AT_RISK.en, description: AT_RISK.about, rule: null, at },
  ]);
}

async function requireSegment(ctx: AppContext, programId: string, segmentId: string): Promise<SegmentRow> {
  const row = isUuid(segmentId) ? await findSegment(ctx.db, programId, segmentId) : undefined;
  if (!row) throw new DomainError('SEGMENT_NOT_FOUND', `no segment ${segmentId} in this program`);
  return row;
}

export const SEGMENT_LIST: ListSpec<SegmentSortKey> = { list: 'segments', keys: { kind: 'text', name: 'text', members: 'integer', createdAt: 'instant' }, id: 'uuid', defaultSort: 'kind' };

/** A page of segments: built-in ones first by their code, then rule segments by name, unless asked otherwise. */
export async function getSegments(ctx: AppContext, programId: string, q: ListQuery & { kind?: SegmentKind | undefined }): Promise<Page<SegmentView>> {
  const sort = parseSort(SEGMENT_LIST, q.sort);
  const after = decodeCursor(SEGMENT_LIST, sort, q.cursor);
  await ensureBuiltinSegments(ctx, programId);
  return pageOf(SEGMENT_LIST.list, sort, await pageSegments(ctx.db, programId, { kind: q.kind, sort, after, limit: q.limit }), q.limit, afterRow, segmentView);
}

export async function getSegment(ctx: AppContext, programId: string, segmentId: string): Promise<SegmentView> {
  return segmentView(await requireSegment(ctx, programId, segmentId));
}

export interface SegmentInput {
  name: string;
  description?: string | null | undefined;
  rule: SegmentRule;
}

/** A new rule segment; the job computes its members within a minute (memberCount stays null until then). */
export async function createSegment(ctx: AppContext, actor: Actor, input: SegmentInput): Promise<SegmentView> {
  checkSegmentRule(input.rule);
  const at = ctx.clock();
  const segmentId = ctx.newId();
  return ctx.db.transaction().execute(async (tx) => {
    await insertSegments(tx, actor.programId, [{ segmentId, kind: 'rule', code: null, name: input.name, description: input.description ?? null, rule: input.rule, at }]);
    const view = segmentView((await findSegment(tx, actor.programId, segmentId))!);
    await audit(ctx, tx, actor, { action: 'create', entity: 'segment', entityId: segmentId, before: null, after: view, at });
    return view;
  });
}

/** Changes a rule segment; a new rule is recomputed in full by the job, members keep the old answer until then. */
export async function changeSegment(ctx: AppContext, actor: Actor, segmentId: string, patch: Partial<SegmentInput>): Promise<SegmentView> {
  const row = await requireSegment(ctx, actor.programId, segmentId);
  if (row.kind !== 'rule') throw new DomainError('SEGMENT_READ_ONLY', `the segment ${row.code} is built in`);
  if (patch.rule) checkSegmentRule(patch.rule);
  const rule = patch.rule ?? (row.rule as SegmentRule);
  const at = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    const ruleChanged = JSON.stringify(rule) !== JSON.stringify(row.rule);
    await updateSegment(tx, actor.programId, segmentId, { name: patch.name ?? row.name, description: patch.description === undefined ? row.description : patch.description, rule, ruleChanged, at });
    const view = segmentView((await findSegment(tx, actor.programId, segmentId))!);
    await audit(ctx, tx, actor, { action: 'update', entity: 'segment', entityId: segmentId, before: segmentView(row), after: view, at });
    return view;
  });
}

export async function removeSegment(ctx: AppContext, actor: Actor, segmentId: string): Promise<void> {
  const row = await requireSegment(ctx, actor.programId, segmentId);
  if (row.kind !== 'rule') throw new DomainError('SEGMENT_READ_ONLY', `the segment ${row.code} is built in`);
  const at = ctx.clock();
  await ctx.db.transaction().execute(async (tx) => {
    await deleteSegment(tx, actor.programId, segmentId);
    await audit(ctx, tx, actor, { action: 'delete', entity: 'segment', entityId: segmentId, before: segmentView(row), after: null, at });
  });
}

export async function getSegmentMembers(
  ctx: AppContext,
  programId: string,
  segmentId: string,
  limit: number,
  cursor?: string,
): Promise<{ items: { memberId: string; name: string | null; status: string; since: string }[]; nextCursor: string | null }> {
  await requireSegment(ctx, programId, segmentId);
  const rows = await segmentMembers(ctx.db, programId, segmentId, limit + 1, cursor && isUuid(cursor) ? cursor : undefined);
  const page = rows.slice(0, limit);
  return { items: page.map((r) => ({ ...r, since: r.since.toISOString() })), nextCursor: rows.length > limit ? page[page.length - 1]!.memberId : null };
}

export async function getMemberSegments(ctx: AppContext, programId: string, memberId: string): Promise<{ items: (SegmentView & { since: string })[] }> {
  await requireMember(ctx.db, programId, memberId);
  const rows = await segmentsOfMember(ctx.db, programId, memberId);
  return { items: rows.map((r) => ({ ...segmentView(r), since: r.since.toISOString() })) };
}
