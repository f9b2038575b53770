import type { DocumentKind } from '../domain/agreements.js';
import { DomainError } from '../domain/errors.js';
import { latestDocuments } from '../store/agreements.js';
import { DEFAULT_SETTINGS, mergeSettings, settingsFromStorage, validateSettings, type ProgramSettings } from '../domain/settings.js';
import type { Executor } from '../store/executor.js';
import { insertProgram, listPrograms, updateProgram } from '../store/programs.js';
import { writeAdminUser } from './admin-users.js';
import { writeApiKey } from './api-keys.js';
import { audit } from './audit.js';
import type { Actor, AppContext } from './context.js';

export interface ProgramView {
  id: string;
  name: string;
  settings: ProgramSettings;
}

export async function createProgram(ctx: AppContext, input: { name: string; settings?: Partial<ProgramSettings> }): Promise<ProgramView> {
  const settings = { ...DEFAULT_SETTINGS, ...input.settings };
  validateSettings(settings);
  const programId = ctx.newId();
  await insertProgram(ctx.db, { programId, name: input.name, settings, at: ctx.clock() });
  return { id: programId, name: input.name, settings };
}

/** A program as an operator opens it (`POST /v1/programs`, `kopilka init`). */
export interface NewProgram {
  name: string;
  currency?: string | undefined;
  timeZone?: string | undefined;
  locale?: ProgramSettings['locale'] | undefined;
  /** The first admin-panel owner; the password is generated and returned once. */
  owner?: { email: string; name?: string | undefined } | undefined;
}

/** What opening a program made; each secret is returned once, and only its hash is stored. */
export interface OpenedProgram {
  program: ProgramView;
  adminKey: { id: string; key: string };
  owner?: { email: string; password: string };
}

/**
 * Makes a program with its first admin key (and, when asked, its first owner) through `db`, a
 * transaction the caller holds, and records who made it in the new program's audit log.
 */
export async function openProgram(ctx: AppContext, db: Executor, input: NewProgram, by: string): Promise<OpenedProgram> {
  const settings: ProgramSettings = {
    ...DEFAULT_SETTINGS,
    ...(input.currency ? { currency: input.currency.toUpperCase() } : {}),
    ...(input.timeZone ? { timeZone: input.timeZone } : {}),
    ...(input.locale ? { locale: input.locale } : {}),
  };
  validateSettings(settings);
  const name = input.name.trim();
  if (name === '') throw new DomainError('VALIDATION_FAILED', 'a program needs a name', { errors: [{ pointer: '/name', detail: 'empty' }] });
  const programId = ctx.newId();
  const at = ctx.clock();
  await insertProgram(db, { programId, name, settings, at });
  const key = await writeApiKey(ctx, db, { programId, role: 'admin', name: firstKeyName(settings.locale) });
  const owner = input.owner ? await writeAdminUser(ctx, db, programId, { email: input.owner.email, name: input.owner.name ?? (settings.locale === 'ru' ? 'Владелец' : 'Owner'), role: 'owner' }) : undefined;
  const actor: Actor = { programId, role: 'admin', name: by };
  await audit(ctx, db, actor, { action: 'create', entity: 'program', entityId: programId, before: null, after: { name, settings, owner: owner?.user.email ?? null }, at });
  return {
    program: { id: programId, name, settings },
    adminKey: { id: key.id, key: key.key },
    ...(owner ? { owner: { email: owner.user.email, password: owner.password! } } : {}),
  };
}

/** `POST /v1/programs`: a new program in one transaction. */
export async function openProgramAsOperator(ctx: AppContext, input: NewProgram): Promise<OpenedProgram> {
  return ctx.db.transaction().execute((tx) => openProgram(ctx, tx, input, 'operator'));
}

/** Every program on this server, for the operator: names and formats, none of their data. */
export interface ProgramSummary {
  id: string;
  name: string;
  currency: string;
  timeZone: string;
  locale: ProgramSettings['locale'];
  createdAt: string;
}

export async function programSummaries(ctx: AppContext): Promise<ProgramSummary[]> {
  return (await listPrograms(ctx.db)).map((p) => {
    const s = settingsFromStorage(p.settings);
    return { id: p.programId, name: p.name, currency: s.currency, timeZone: s.timeZone, locale: s.locale, createdAt: p.createdAt.toISOString() };
  });
}

export async function getProgram(ctx: AppContext, programId: string): Promise<ProgramView> {
  const p = await ctx.programs.get(programId);
  return { id: p.programId, name: p.name, settings: p.settings };
}

/** Changes the main scheme; the merged settings are checked as a whole before anything is written. */
export async function updateProgramSettings(
  ctx: AppContext,
  actor: Actor,
  input: { name?: string; settings?: Partial<ProgramSettings> },
): Promise<ProgramView> {
  const programId = actor.programId;
  const current = await ctx.programs.get(programId);
  const settings = mergeSettings(current.settings, input.settings ?? {});
  const name = input.name ?? current.name;
  const at = ctx.clock();
  await ctx.db.transaction().execute(async (tx) => {
    await updateProgram(tx, programId, { name, settings, at });
    await audit(ctx, tx, actor, { action: 'update', entity: 'program', entityId: programId, before: { name: current.name, settings: current.settings }, after: { name, settings }, at });
  });
  ctx.programs.invalidate(programId);
  return { id: programId, name, settings };
}

export async function allPrograms(ctx: AppContext): Promise<{ id: string; name: string }[]> {
  return (await listPrograms(ctx.db)).map((p) => ({ id: p.programId, name: p.name }));
}

/** What a sign-in page shows before anyone is signed in: the program's name and formats. */
export interface PublicProgram {
  id: string;
  name: string;
  currency: string;
  locale: 'ru' | 'en';
  /** Value of one point in minor units. */
  pointValue: number;
  questionnaire: ProgramSettings['questionnaire'];
  /** The legal texts published now (their bodies: GET /v1/auth/program/documents/{kind}) and which of them joining requires. */
  documents: { kind: DocumentKind; version: number; title: string; publishedAt: string; required: boolean }[];
}

/**
 * The program a sign-in page is for: the one asked for, or the only program on this server (the
 * usual case; a server with several needs the id, e.g. /app/?program=<id>).
 */
export async function publicProgram(ctx: AppContext, programId: string | undefined): Promise<PublicProgram> {
  let id = programId;
  if (id === undefined) {
    const all = await allPrograms(ctx);
    if (all.length !== 1) throw new DomainError('PROGRAM_NOT_FOUND', `this server runs ${all.length} programs: name one with ?programId=<id>`);
    id = all[0]!.id;
  }
  const p = await getProgram(ctx, id);
  const documents = (await latestDocuments(ctx.db, p.id)).map((d) => ({ kind: d.kind, version: d.version, title: d.title, publishedAt: d.publishedAt.toISOString(), required: p.settings.requiredAgreements.includes(d.kind) }));
  return { id: p.id, name: p.name, currency: p.settings.currency, locale: p.settings.locale, pointValue: p.settings.pointValue, questionnaire: p.settings.questionnaire, documents };
}

/** The first admin key's name, in the program's language: the admin panel lists keys by name. */
export const firstKeyName = (locale: 'ru' | 'en'): string => (locale === 'ru' ? 'Первый ключ администратора' : 'first admin key');
