import { sql } from 'kysely';
import { json } from './executor.js';

export interface MemberEventRow {
  memberId: string;
  eventId: string;
  programId: string;
  type: string;
  attributes: unknown;
  occurredAt: Date;
  points: number;
  /** What the API answered (src/app/events.ts EventOutcome), kept to replay a retry. */
  result: unknown;
}

/** The insert of one member event, to be written with the ledger's entries (postEntriesMany's `also`). */
export function insertMemberEventQuery(e: MemberEventRow) {
  return sql`insert into member_events (member_id, event_id, program_id, type, attributes, occurred_at, points, result)
          values (${e.memberId}::uuid, ${e.eventId}::uuid, ${e.programId}::uuid, ${e.type}, ${json(e.attributes)}::jsonb, ${e.occurredAt}::timestamptz, ${e.points}, ${json(e.result)}::jsonb)`;
}
