/**
 * `ordo demo --help` documents every scenario and flag; the scenarios not covered elsewhere
 * finish embedded in reasonable time (chaos-500), and a wrong flag combination is a usage error.
 */
import { describe, expect, test } from "vitest";
import { DEMO_SCENARIOS } from "../../packages/cli/src/run/demo-scenarios.js";
import { ordo } from "./helpers.js";

describe("ordo demo --help", () => {
  test("lists every scenario (the first as default) and every flag", async () => {
    const { code, out } = await ordo(["demo", "--help"]);
    expect(code).toBe(0);
    for (const scenario of DEMO_SCENARIOS) expect(out).toContain(`  ${scenario.name}`);
    expect(out).toContain(`${DEMO_SCENARIOS[0]!.name} (default)`);
    for (const flag of [
      "--redis",
      "--prefix",
      "--workers",
      "--concurrency",
      "--store",
      "--answer",
    ]) {
      expect(out).toContain(flag);
    }
    expect(out).toMatch(/space pauses\/resumes, c cancels/);
  });
});

describe("ordo demo scenarios (embedded)", () => {
  test("chaos-500 converges with its retries and kills, and the replay matches", async () => {
    const started = Date.now();
    const { code, out, err } = await ordo(["demo", "chaos-500", "--json"]);
    expect(code, err.slice(-2000)).toBe(0);
    const report = JSON.parse(out);
    expect(report.status).toBe("completed");
    expect(
      Object.values(report.steps).every((s) => (s as { status: string }).status === "completed"),
    ).toBe(true);
    expect(err.match(/^\[RETRY\]/gm)).toHaveLength(45);
    expect(err.match(/^\[KILL\]/gm)).toHaveLength(5);
    expect(report.replay).toMatchObject({ restored: true, match: true });
    expect(report.throttling[0]).toMatchObject({
      limit: 12,
      respected: true,
      measured: "provider calls",
    });
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);

  test("--workers 0 without --redis is a usage error (nobody could run the steps)", async () => {
    const { code, err } = await ordo(["demo", "json", "--workers", "0"]);
    expect(code).toBe(2);
    expect(err).toMatch(/--workers 0 needs --redis/);
  });
});
