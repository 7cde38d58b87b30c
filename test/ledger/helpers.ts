/**
 * Shared setup of ledger and replay tests: an embedded engine, a worker and client over it, a
 * SQLite durable store in a temp dir, and a shipper. Each call gets its own engine and database.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JsonValue, PipelineIR } from "@ordo/core";
import type { StepPlugin } from "@ordo/step";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import {
  createClient,
  createWorker,
  type DurableStore,
  openSqliteStore,
} from "../../packages/runtime/src/index.js";
import { createLedgerShipper } from "../../packages/runtime/src/ledger/index.js";
import { echo, fatal, flaky, sleep } from "../runtime/helpers/plugins.js";

/** One isolated embedded deployment with a SQLite store. */
export async function setupDeployment(
  options: { partitions?: number; plugins?: readonly StepPlugin[] } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), "ordo-ledger-"));
  const dbPath = join(dir, "ordo.db");
  const engine = new EmbeddedRedis();
  const connection = { embedded: engine };
  const partitions = options.partitions ?? 4;
  const store: DurableStore = await openSqliteStore({ path: dbPath });
  const worker = createWorker({
    connection,
    plugins: [echo, flaky, fatal, sleep, ...(options.plugins ?? [])],
    concurrency: 4,
    partitions,
    idleWaitMs: 20,
  });
  const client = createClient({ connection, partitions });
  const shipper = createLedgerShipper({ connection, store, partitions, keepMs: 0 });
  async function run(ir: PipelineIR, input: JsonValue = {}, executionId?: string) {
    const handle = await client.start(ir, input, executionId ? { executionId } : {});
    await handle.result({ timeoutMs: 10_000 }).catch(() => undefined);
    // The finalizing worker stores the fingerprint asynchronously; wait for it.
    for (let i = 0; i < 100 && (await handle.status()).fingerprint === undefined; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return handle.executionId;
  }
  return {
    dir,
    dbPath,
    engine,
    connection,
    partitions,
    store,
    worker,
    client,
    shipper,
    run,
    async close() {
      await shipper.close();
      await worker.close();
      await client.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
