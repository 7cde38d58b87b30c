/**
 * `ordo ledger`, `ordo ledger verify`, `ordo timeline` and `ordo replay` in-process against a
 * SQLite durable store filled by a real run, then tampered with directly in SQL: an edited, a
 * removed and a reordered event each make `ledger verify` and `replay` exit 1 naming the seq.
 */

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { main, memoryIO } from "@ordo/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testIr } from "../runtime/helpers/ir.js";
import { setupDeployment } from "./helpers.js";
import { tamper } from "./sql.js";

let d: Awaited<ReturnType<typeof setupDeployment>>;
let id: string;
const ir = testIr(
  [
    { id: "a", inputs: { value: { $ref: "input.q" } } },
    {
      id: "b",
      deps: ["a"],
      type: "test.flaky",
      inputs: { failTimes: 1 },
      policies: { retry: { maxAttempts: 2, strategy: "fixed", baseDelayMs: 1 } },
    },
  ],
  { name: "cli-ledger" },
);

async function ordo(argv: readonly string[]) {
  const io = memoryIO(d.dir);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** A copy of the store to tamper with, so each case starts from the intact ledger. */
let copies = 0;
function copyStore(): string {
  const path = join(d.dir, `copy-${++copies}.db`);
  tamper(d.dbPath, "VACUUM INTO ?", path);
  return path;
}

beforeAll(async () => {
  d = await setupDeployment();
  id = await d.run(ir, { q: "hello" }, "cli-run");
  await d.shipper.shipOnce();
});
afterAll(() => d.close());

describe("ordo ledger / timeline", () => {
  it("prints the ledger and verifies an intact chain", async () => {
    const printed = await ordo(["ledger", id, "--store", "ordo.db"]);
    expect(printed.code).toBe(0);
    expect(printed.out).toMatch(/^ {3}1 {2}\d\d:\d\d:\d\d\.\d{3} {2}execution\.created/m);
    expect(printed.out).toMatch(
      /step\.retry_scheduled +b +attempt 1 +worker \S+ +reason STEP_FAILED/,
    );
    const count = (await d.store.readEvents(id)).length;
    const verified = await ordo(["ledger", "verify", id, "--store", "ordo.db"]);
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.out).toContain(`ledger ${id}: intact, ${count} events, head seq ${count}`);
    const json = JSON.parse((await ordo(["ledger", id, "--store", "ordo.db", "--json"])).out);
    expect(json.map((e: { seq: number }) => e.seq)).toEqual(
      Array.from({ length: count }, (_, i) => i + 1),
    );
  });

  it("prints a timeline with per-step attempts", async () => {
    const result = await ordo(["timeline", id, "--store", "ordo.db"]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^execution cli-run \(cli-ledger\): \d+ events from /);
    expect(result.out).toMatch(/^ +\+\d+ ms {2}b +retry_scheduled +attempt 1/m);
    expect(result.out).toMatch(/^ {2}a +completed +attempts 1 +\d+ ms$/m);
    expect(result.out).toMatch(/^ {2}b +completed +attempts 2 +\d+ ms$/m);
  });

  it("exits 1 for unknown executions and a missing store", async () => {
    expect((await ordo(["ledger", "nope", "--store", "ordo.db"])).code).toBe(1);
    expect((await ordo(["ledger", id, "--store", "missing.db"])).code).toBe(2);
    expect((await ordo(["ledger", "check", id, "--store", "ordo.db"])).code).toBe(2);
  });
});

describe("tampering is detected", () => {
  const cases = [
    {
      name: "an edited event",
      sql: [
        "UPDATE ordo_ledger SET body = json_set(body, '$.reason', 'nothing happened') WHERE execution_id = ? AND seq = 3",
      ],
      expected: /broken at seq 3: LEDGER_HASH_MISMATCH/,
    },
    {
      name: "a removed event",
      sql: ["DELETE FROM ordo_ledger WHERE execution_id = ? AND seq = 4"],
      expected: /broken at seq 4: LEDGER_GAP/,
    },
    {
      name: "two swapped events",
      sql: [
        "UPDATE ordo_ledger SET seq = 1002 WHERE execution_id = ? AND seq = 2",
        "UPDATE ordo_ledger SET seq = 2 WHERE execution_id = ? AND seq = 3",
        "UPDATE ordo_ledger SET seq = 3 WHERE execution_id = ? AND seq = 1002",
      ],
      expected: /broken at seq 3: LEDGER_REORDERED/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ledger verify and replay exit 1 naming the seq`, async () => {
      const path = copyStore();
      for (const sql of c.sql) tamper(path, sql, id);
      const verified = await ordo(["ledger", "verify", id, "--store", path]);
      expect(verified.code).toBe(1);
      expect(verified.out).toMatch(c.expected);
      const replay = await ordo(["replay", id, "--store", path]);
      expect(replay.code).toBe(1);
      expect(replay.out).toMatch(/^replay cli-run: INVALID/);
      expect(replay.out).toMatch(/LEDGER_BROKEN \(seq \d+\)/);
    });
  }
});

describe("ordo replay", () => {
  it("audits a valid execution and diffs a new IR against it", async () => {
    const ok = await ordo(["replay", id, "--store", "ordo.db"]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^replay cli-run: valid \(cli-ledger, completed\)/);
    expect(ok.out).toMatch(/^ {2}fingerprint {2}recorded [0-9a-f]{64}$/m);
    const same = join(d.dir, "same.json");
    await writeFile(same, JSON.stringify(ir));
    const identical = await ordo(["replay", id, "--store", "ordo.db", "--against", same]);
    expect(identical.code).toBe(0);
    expect(identical.out).toContain("identical definition");
    const changed = join(d.dir, "v2.json");
    await writeFile(
      changed,
      JSON.stringify({ ...ir, steps: [{ ...ir.steps[0]!, config: { model: "x" } }, ir.steps[1]] }),
    );
    const diff = await ordo(["replay", id, "--store", "ordo.db", "--against", changed]);
    expect(diff.code).toBe(1);
    expect(diff.out).toMatch(/^ {2}a: config \(was completed\) !$/m);
    expect((await ordo(["replay", id, "--store", "ordo.db", "--restore"])).code).toBe(2);
    expect((await ordo(["rerun", id, "--store", "ordo.db", "--from", "b"])).code).toBe(2);
  });
});
