import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "libsql";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteStore, verifyChain } from "../../packages/runtime/src/durable/index.js";
import { describeDurableStoreContract } from "./contract.js";
import { chain } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "ordo-durable-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tempPath = () => join(dir, `${randomUUID()}.db`);

describeDurableStoreContract("sqlite", (options) =>
  openSqliteStore({ ...options, path: tempPath() }),
);
describeDurableStoreContract("sqlite :memory:", (options) =>
  openSqliteStore({ ...options, path: ":memory:" }),
);

describe("sqlite store specifics", () => {
  it("creates the folder, uses WAL and keeps data across reopen", async () => {
    const path = join(dir, randomUUID(), "nested", "ordo.db");
    const store = await openSqliteStore({ path });
    const events = chain("e1", 3);
    await store.appendEvents(events);
    await store.close();
    expect(existsSync(path)).toBe(true);
    const db = new Database(path);
    expect(db.prepare("PRAGMA journal_mode").get()).toMatchObject({ journal_mode: "wal" });
    db.close();
    const reopened = await openSqliteStore({ path });
    expect(await reopened.readEvents("e1")).toEqual(events);
    await reopened.close();
  });

  it("lets verifyChain catch an event edited directly in the database file", async () => {
    const path = tempPath();
    const store = await openSqliteStore({ path });
    await store.appendEvents(chain("e1", 5));
    const db = new Database(path);
    const row = db
      .prepare("SELECT body FROM ordo_ledger WHERE execution_id = 'e1' AND seq = 3")
      .get() as {
      body: string;
    };
    const forged = { ...JSON.parse(row.body), outcome: "succeeded" };
    db.prepare("UPDATE ordo_ledger SET body = ? WHERE execution_id = 'e1' AND seq = 3").run(
      JSON.stringify(forged),
    );
    db.prepare("DELETE FROM ordo_ledger WHERE execution_id = 'e1' AND seq = 5").run();
    db.close();
    expect(verifyChain(await store.readEvents("e1"))).toMatchObject({
      ok: false,
      code: "LEDGER_HASH_MISMATCH",
      seq: 3,
    });
    expect(await store.ledgerHead("e1")).toMatchObject({ seq: 4 });
    await store.close();
  });

  it("purges expired records opportunistically on writes, at most once per interval", async () => {
    const eager = await openSqliteStore({ path: tempPath(), purgeIntervalMs: 0 });
    const lazy = await openSqliteStore({ path: tempPath() });
    const expiresAt = Date.now() + 30;
    const refs = await Promise.all(
      [eager, lazy].map((s) => s.putPayload("short-lived", { contentType: "t", expiresAt })),
    );
    expect(await eager.hasPayload(refs[0]!.ref)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await eager.putPayload("trigger", { contentType: "t" });
    await lazy.putPayload("trigger", { contentType: "t" });
    expect(await eager.hasPayload(refs[0]!.ref)).toBe(false);
    // The lazy store purged at open less than 60 s ago, so the expired payload is still there.
    expect(await lazy.hasPayload(refs[1]!.ref)).toBe(true);
    await Promise.all([eager.close(), lazy.close()]);
  });

  it("fails to open an unusable path with CONNECTION", async () => {
    const blocker = join(dir, `${randomUUID()}.file`);
    const first = await openSqliteStore({ path: blocker });
    await first.close();
    // A path below a regular file cannot be created.
    await expect(openSqliteStore({ path: join(blocker, "x.db") })).rejects.toMatchObject({
      code: "CONNECTION",
    });
  });
});
