import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Member feedback (migration 0007). */
export interface FeedbackTable {
  member_id: string;
  feedback_id: string;
  program_id: string;
  topic: 'question' | 'complaint' | 'idea' | 'praise' | 'other';
  message: string;
  store_id: string | null;
  created_at: Timestamp;
}

export interface FeedbackTables {
  feedback: FeedbackTable;
}
