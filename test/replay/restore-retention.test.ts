/**
 * Events that restore ships (`snapshot.restored`) expire by the deployment's retention passed to
 * `restoreExecution`, like the events a worker ships: without it they would live forever while
 * the rest of the execution's records expire. Embedded engine + SQLite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import { createClient, createWorker, openSqliteStore } from "../../packages/runtime/src/index.js";
import { restoreExecution } from "../../packages/runtime/src/replay/index.js";
import { testIr } from "../runtime/helpers/ir.js";
import { echo } from "../runtime/helpers/plugins.js";

const dir = mkdtempSync(join(tmpdir(), "ordo-restore-retention-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("restore with a deployment retention", () => {
  it("ships its events with the deployment's durable expiry", async () => {
    const store = await openSqliteStore({ path: join(dir, "ordo.db") });
    try {
      const ir = testIr([{ id: "a", type: "test.echo", inputs: { value: 1 } }], { name: "rr" });
      const source = { embedded: new EmbeddedRedis() };
      const worker = createWorker({ connection: source, plugins: [echo], durable: { store } });
      const client = createClient({ connection: source });
      const run = await client.start(ir, {}, { executionId: "rr-1" });
      await run.result({ timeoutMs: 10_000 });
      for (let i = 0; i < 100 && (await run.status()).fingerprint === undefined; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await worker.close(); // final shipping pass: ledger + snapshot, no expiry
      await client.close();

      await restoreExecution(
        {
          connection: { embedded: new EmbeddedRedis() },
          store,
          retention: { default: { durableTtlMs: 5_000 } },
        },
        "rr-1",
      );
      const types = async () => (await store.readEvents("rr-1")).map((e) => e.type);
      expect(await types()).toContain("snapshot.restored");
      await store.purgeExpired(Date.now() + 6_000);
      const left = await types();
      // The worker shipped the original events without expiry; restore's own event expired.
      expect(left).toContain("execution.completed");
      expect(left).not.toContain("snapshot.restored");
    } finally {
      await store.close();
    }
  });
});
