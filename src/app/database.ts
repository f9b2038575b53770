/**
 * The database as src/cli, src/http and src/jobs see it: open, migrate, check the books, back up, restore and
 * move — and what a database failure is, so the HTTP layer can answer 503 (docs/adr/0019). The
 * edges import these from here, never from src/store (the layering check, docs/adr/0027): this
 * module is the one door, so that what the edges may do to the database is listed in one place.
 */
export { backupEmbedded, isEmptyDataDir, restoreEmbedded, RestoreRefused, type RestoreResult } from '../store/backup.js';
export { migrateToLatest, openDatabase, type Database, type DatabaseOptions } from '../store/db.js';
export { databaseFailure, type DatabaseFailure } from '../store/db-errors.js';
export { moveDatabase, MoveRefused, type MoveProgress, type MoveReport } from '../store/move.js';
export { checkBooks, type BooksReport, type Mismatch } from '../store/verify.js';
