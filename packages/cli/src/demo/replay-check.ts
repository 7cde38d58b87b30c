/**
 * The chaos scenarios' replay validation: ship the finished execution's ledger and snapshot to a
 * scratch SQLite store, lose the hot state (a fresh embedded engine), restore the execution from
 * its snapshot and compare the execution fingerprints.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Client,
  type Connection,
  createClient,
  createLedgerShipper,
  EmbeddedRedis,
  openSqliteStore,
  restoreExecution,
} from "@ordo/runtime";

/** Outcome of {@link replayCheck}. */
export interface ReplayCheck {
  readonly snapshotPersisted: boolean;
  readonly restored: boolean;
  readonly before: string | undefined;
  readonly after: string | undefined;
  readonly match: boolean;
  readonly issues: readonly string[];
}

async function fingerprintOf(client: Client, executionId: string): Promise<string | undefined> {
  for (let i = 0; i < 100; i++) {
    const fingerprint = (await client.status(executionId)).fingerprint;
    if (fingerprint !== undefined) return fingerprint;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

/** Runs the check for a finished execution of `connection` (scratch store removed afterwards). */
export async function replayCheck(
  connection: Connection,
  prefix: string,
  client: Client,
  executionId: string,
): Promise<ReplayCheck> {
  const dir = await mkdtemp(join(tmpdir(), "ordo-demo-"));
  const store = await openSqliteStore({ path: join(dir, "demo.db") });
  const engine = new EmbeddedRedis();
  const fresh = createClient({ connection: { embedded: engine }, prefix });
  try {
    const before = await fingerprintOf(client, executionId);
    const shipper = createLedgerShipper({ connection, store, prefix, keepMs: 0 });
    await shipper.shipOnce();
    await shipper.close();
    const snapshotPersisted = (await store.getSnapshot(executionId)) !== null;
    const result = await restoreExecution(
      { connection: { embedded: engine }, store, prefix },
      executionId,
    );
    const after = await fingerprintOf(fresh, executionId);
    return {
      snapshotPersisted,
      restored: result.report.valid,
      before,
      after,
      match: before !== undefined && before === after,
      issues: result.report.issues.map((i) => i.message),
    };
  } finally {
    await fresh.close();
    await engine.quit();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
