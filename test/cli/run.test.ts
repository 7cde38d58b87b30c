/**
 * `ordo run` and `ordo demo` in-process on the embedded engine: progress lines, the --json
 * report, exit codes 0 (completed), 1 (failed or missing plugins) and 2 (usage).
 */
import { describe, expect, test } from "vitest";
import { ordo } from "./helpers.js";

const PIPELINE = "examples/quickstart/src/pipeline.ts";
const PLUGINS = "examples/quickstart/src/plugins.ts";
const INPUT = "examples/quickstart/input.json";

describe("ordo run (embedded)", () => {
  test("runs the quick start with live progress and a final status block", async () => {
    const result = await ordo(["run", PIPELINE, "--plugins", PLUGINS, "--input-file", INPUT]);
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^execution [\w-]+ started: support-answer@1\.0\.0, 8 steps$/m);
    expect(result.out).toMatch(/^\[CLAIMED\] +ingest +worker-\d +attempt 1$/m);
    expect(result.out).toMatch(
      /^\[RETRY\] +moderate +worker-\d +attempt 1 +STEP_FAILED, next attempt in 100 ms$/m,
    );
    expect(result.out).toMatch(/^\[DONE\] +moderate +worker-\d +attempt 2 +\d+ ms$/m);
    expect(result.out).toMatch(/^\[DONE\] +audit /m);
    expect(result.out).toMatch(/^status +completed +\(8\/8 steps completed, 1 retry\)$/m);
    expect(result.out).toMatch(/^fingerprint +[0-9a-f]{64} +\(execution\)$/m);
    // Progress comes before the outcome.
    expect(result.out.indexOf("[DONE]")).toBeLessThan(result.out.indexOf("status "));
  });

  test("--json prints one object: executionId, status, each step's status and output, fingerprints", async () => {
    const result = await ordo([
      "run",
      PIPELINE,
      "--plugins",
      PLUGINS,
      "--input",
      '{"question":"How do I rotate my API keys without downtime?","customerId":"c-1001"}',
      "--json",
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out);
    expect(Object.keys(report).sort()).toEqual([
      "definitionFingerprint",
      "durationMs",
      "executionId",
      "fingerprint",
      "output",
      "pipeline",
      "status",
      "steps",
    ]);
    expect(report.status).toBe("completed");
    expect(report.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(report.steps)).toEqual([
      "ingest",
      "search",
      "customer",
      "classify",
      "moderate",
      "compose",
      "answer",
      "audit",
    ]);
    expect(report.steps.moderate).toMatchObject({
      status: "completed",
      attempt: 2,
      output: { flagged: false },
    });
    expect(report.steps.search.output.documents[0].id).toBe("kb-101");
    expect(report.output).toMatchObject({ citations: ["kb-101"], audited: true });
    // Progress went to stderr, so stdout stays one JSON document.
    expect(result.err).toMatch(/^\[DONE\] +ingest/m);
  });

  test("the execution fingerprint is the same for two runs of the same input", async () => {
    const args = [
      "run",
      PIPELINE,
      "--plugins",
      PLUGINS,
      "--input-file",
      INPUT,
      "--json",
      "--quiet",
    ];
    const [a, b] = [JSON.parse((await ordo(args)).out), JSON.parse((await ordo(args)).out)];
    expect(a.executionId).not.toBe(b.executionId);
    expect(a.fingerprint).toBe(b.fingerprint);
  });

  test("a failing run exits 1 and names the failed step and its error", async () => {
    const input = '{"question":"How do I rotate my API keys?","customerId":"c-404"}';
    const result = await ordo(["run", PIPELINE, "--plugins", PLUGINS, "--input", input]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^\[FAILED\] +customer +worker-\d +attempt 1 +NON_RETRYABLE$/m);
    expect(result.out).toMatch(/^\[SKIPPED\] +audit/m);
    expect(result.out).toMatch(
      /^status +failed +\(4\/8 steps completed, 1 failed, 3 skipped, 1 retry\)$/m,
    );
    expect(result.out).toMatch(/^failed step +customer: NON_RETRYABLE unknown customer 'c-404'$/m);

    const json = await ordo([
      "run",
      PIPELINE,
      "--plugins",
      PLUGINS,
      "--input",
      input,
      "--json",
      "-q",
    ]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out);
    expect(report.status).toBe("failed");
    expect(report.output).toBeUndefined();
    expect(report.steps.customer.error).toMatchObject({ code: "NON_RETRYABLE" });
  });

  test("steps without a plugin are refused before anything starts (exit 1, PLUGIN_NOT_FOUND)", async () => {
    const result = await ordo(["run", PIPELINE, "--input-file", INPUT]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^error PLUGIN_NOT_FOUND: no plugin for step type\(s\) quickstart\.ingest@1\.0\.0/,
    );
    expect(result.out).toBe("");
  });

  test("an invalid input is reported with INPUT_INVALID (exit 1)", async () => {
    const result = await ordo(["run", PIPELINE, "--plugins", PLUGINS, "--input", '{"question":1}']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^error INPUT_INVALID: Input of pipeline 'support-answer' is invalid/,
    );
  });

  test.each([
    [["--input", "{nope"], /--input is not valid JSON/],
    [["--input", "{}", "--input-file", INPUT], /--input or --input-file, not both/],
    [["--workers", "0"], /--workers 0 needs --redis/],
    [["--workers", "two"], /--workers must be a whole number/],
    [["--plugins", "examples/quickstart/src/text.ts"], /exports no step plugin/],
  ])("usage errors exit 2: %j", async (extra, message) => {
    const result = await ordo(["run", PIPELINE, "--plugins", PLUGINS, ...extra]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });

  test("--plugins takes several modules separated by spaces (after the pipeline module)", async () => {
    const ok = await ordo(["run", PIPELINE, "--plugins", PLUGINS, PLUGINS, "--input-file", INPUT]);
    expect(ok.code).toBe(0);
    // The second module is really loaded: one without plugins is refused by name.
    const text = "examples/quickstart/src/text.ts";
    const refused = await ordo([
      "run",
      PIPELINE,
      "--plugins",
      PLUGINS,
      text,
      "--input-file",
      INPUT,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/text\.ts' exports no step plugin/);
    // Without --plugins, a second positional is a usage error, not a silently ignored argument.
    const extra = await ordo(["run", PIPELINE, PLUGINS, "--input-file", INPUT]);
    expect(extra.code).toBe(2);
    expect(extra.err).toMatch(/unexpected argument/);
  });
});

describe("ordo demo (embedded)", () => {
  test("runs the quick start on three workers with progress bar, outcome, fingerprints", async () => {
    const result = await ordo(["demo"]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^engine +embedded/m);
    expect(result.out).toMatch(/^\[#{24}\] 8\/8 steps$/m);
    expect(result.out).toMatch(/^\[#{3}-{21}\] 1\/8 steps$/m);
    expect(result.out).toMatch(/^\[RETRY\] +moderate/m);
    expect(result.out).toMatch(/^status +completed +\(8\/8 steps completed, 1 retry\)$/m);
    expect(result.out).toMatch(/^definition +[0-9a-f]{64} +\(definition fingerprint\)$/m);
    expect(result.out).toMatch(/^duration +\d+ ms$/m);
    const workers = /^workers +(.*) \(steps completed\)$/m.exec(result.out)?.[1] ?? "";
    const counts = [...workers.matchAll(/worker-\d: (\d+)/g)].map((m) => Number(m[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(8);
  });

  test("--json: the report plus scenario and per-worker counts on stdout", async () => {
    const result = await ordo(["demo", "quickstart", "--json", "--workers", "2"]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out);
    expect(report).toMatchObject({
      scenario: "quickstart",
      status: "completed",
      pipeline: "support-answer",
    });
    expect(Object.keys(report.workers).every((id) => /^worker-[12]$/.test(id))).toBe(true);
    expect(result.err).toMatch(/^workers +2 in-process/m);
  });

  test("an unknown scenario is a usage error listing the scenarios", async () => {
    const result = await ordo(["demo", "nope"]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/unknown scenario 'nope'; scenarios: quickstart/);
  });
});
