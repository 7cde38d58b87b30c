/**
 * Direct SQL access to a SQLite durable store file, for tamper tests (what an attacker or a
 * broken tool could do behind the store's back).
 */
import Database from "libsql";

/** Runs `sql` with `params` on the database file at `path` and closes it. */
export function tamper(path: string, sql: string, ...params: unknown[]): void {
  const db = new Database(path);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}
