import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { importReferencePipelines } from "@ordo/analyze";
import { definitionFingerprint, type PipelineIR, validatePipeline } from "@ordo/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FIXTURES, ordo, scratchDir } from "./helpers.js";

const SEED = `${FIXTURES}/ticket-triage.reference.json`;

let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir("import");
});
afterAll(() => scratch.remove());

describe("ordo import of the SEED-SPEC 2.4 example", () => {
  test("--out-dir writes <name>.dag.json that validates, with the expected mappings", async () => {
    const result = await ordo(["import", SEED, "--out-dir", scratch.dir]);
    expect(result.code).toBe(0);
    const file = join(scratch.dir, "ticket-triage.dag.json");
    expect(result.err).toContain(`wrote ${file}`);
    const ir = JSON.parse(await readFile(file, "utf8")) as PipelineIR;
    expect(validatePipeline(ir).ok).toBe(true);
    expect((await ordo(["validate", file])).code).toBe(0);
    expect(ir).toMatchObject({ ordo: 1, name: "ticket-triage", version: "2.1.0" });
    const step = (id: string) => ir.steps.find((s) => s.id === id)!;
    expect(ir.steps.map((s) => s.id)).toEqual(["ingest", "classify", "lookup-customer", "route"]);
    // bindings
    expect(step("ingest").inputs).toEqual({ ticketId: { $ref: "input.ticketId" } });
    expect(step("classify").inputs).toEqual({ body: { $ref: "steps.ingest.output.body" } });
    expect(step("lookup-customer").inputs).toEqual({
      customerId: { $ref: "steps.ingest.output.customerId" },
    });
    expect(step("route").dependsOn).toEqual(["classify", "lookup-customer"]);
    // config: provider/model/operation -> metadata, other keys -> config
    expect(step("classify").metadata).toEqual({
      provider: "acme",
      model: "fast-1",
      operation: "llm.chat",
    });
    expect(step("classify").config).toEqual({});
    expect(step("route").config).toEqual({ fallbackQueue: "tier-1" });
    // retry: maxRetries 2 -> 3 attempts
    expect(step("classify").policies?.retry).toEqual({
      maxAttempts: 3,
      strategy: "exponential",
      baseDelayMs: 200,
      maxDelayMs: 2000,
    });
    // pipeline concurrency, lease, retention
    expect(ir.policies).toEqual({
      timeout: { leaseMs: 120_000 },
      concurrency: [
        { scope: "provider", limit: 3, retryAfterMs: 50 },
        { scope: "model", key: "acme:fast-1", limit: 1, retryAfterMs: 50 },
      ],
      retention: { hot: "compact", inlineMaxBytes: 4096, reason: "triage-retention" },
    });
    expect(step("ingest").schemas).toEqual({ input: {}, output: {} });
  });

  test("--json reports fingerprints and every unmapped field as a warning with its JSON path", async () => {
    const result = await ordo(["import", SEED, "--json"]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out);
    expect(report.errors).toEqual([]);
    expect(report.pipelines).toHaveLength(1);
    const [imported] = report.pipelines;
    expect(imported).toMatchObject({
      name: "ticket-triage",
      version: "2.1.0",
      file: "ticket-triage.dag.json",
    });
    expect(imported.fingerprint).toBe(definitionFingerprint(imported.ir));
    const paths = report.warnings.map((w: { path: string }) => w.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "$.pipelines[0].config.concurrency.maxDegreeOfParallelism",
        "$.pipelines[0].config.retention.trigger.maxStepsInState",
        "$.pipelines[0].config.retention.trigger.maxCompletedStepsInState",
      ]),
    );
    for (const warning of report.warnings) expect(warning.code).toBe("IMPORT_UNMAPPED");
  });

  test("without --out-dir prints the IR and the warnings on stderr", async () => {
    const result = await ordo(["import", SEED]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).name).toBe("ticket-triage");
    expect(result.err).toContain(
      `${SEED} $.pipelines[0].config.concurrency.maxDegreeOfParallelism warning IMPORT_UNMAPPED`,
    );
  });
});

describe("importReferencePipelines", () => {
  test("root arrays, case-insensitive names, Sequential order, legacy blocks, odd bindings", () => {
    const { pipelines, issues } = importReferencePipelines([
      {
        NAME: "legacy",
        Steps: [
          { Name: "second", StepKey: "x.b", Order: 2, Input: { v: "steps.first.result.value" } },
          {
            name: "first",
            stepKey: "x.a",
            order: 1,
            maxRetries: 5,
            execution: { maxRetries: 1, retryDelayMs: 500 },
            input: { q: "data.question", who: "execution.id", whole: "steps.first.result" },
          },
          {
            name: "third",
            stepKey: "x.c",
            order: 3,
            input: {
              raw: "plain text",
              obj: { $ref: "not a binding" },
              copy: "input.mode",
              mode: "fast",
              item: "steps.second.result.data.items[0].id",
            },
            config: {
              retry: { maxRetries: 0, strategy: "Linear", policies: ["retry.rate-limit.default"] },
              target: "state.somewhere",
            },
          },
        ],
      },
    ]);
    expect(pipelines).toHaveLength(1);
    const ir = pipelines[0]!.ir;
    expect(validatePipeline(ir).ok).toBe(true);
    expect(ir.version).toBe("0.0.0");
    expect(ir.steps.map((s) => [s.id, s.dependsOn])).toEqual([
      ["first", []],
      ["second", ["first"]],
      ["third", ["second"]],
    ]);
    const [first, second, third] = ir.steps;
    expect(second!.inputs).toEqual({ v: { $ref: "steps.first.output" } });
    expect(first!.inputs).toEqual({
      q: { $ref: "input.question" },
      who: "execution.id",
      whole: "steps.first.result",
    });
    expect(third!.inputs).toEqual({
      raw: "plain text",
      obj: { $literal: { $ref: "not a binding" } },
      copy: "fast",
      mode: "fast",
      item: { $ref: "steps.second.output.items.0.id" },
    });
    expect(third!.policies?.retry).toEqual({
      maxAttempts: 1,
      strategy: "linear",
      baseDelayMs: 500,
      retryOn: ["RETRY_AFTER"],
    });
    const warned = issues.filter((i) => i.severity === "warning").map((i) => i.path);
    expect(warned).toEqual(
      expect.arrayContaining([
        "$[0].Steps[1].maxRetries",
        "$[0].Steps[1].execution",
        "$[0].Steps[1].input.who",
        "$[0].Steps[1].input.whole",
        "$[0].Steps[2].input.copy",
        "$[0].Steps[2].config.target",
      ]),
    );
    expect(issues.some((i) => i.message.includes("Sequential"))).toBe(true);
    expect(issues.filter((i) => i.severity === "error")).toEqual([]);
  });

  test("pipelines the reference rejects are errors; ordo import exits 1 and writes nothing", async () => {
    const reference = {
      pipelines: [
        {
          name: "broken",
          executionMode: "Dag",
          steps: [
            { name: "a", stepKey: "x.a", dependsOn: ["ghost", "a"] },
            { name: "a", stepKey: "x.b" },
          ],
        },
      ],
    };
    const { issues } = importReferencePipelines(reference);
    const errors = issues.filter((i) => i.severity === "error").map((i) => `${i.code} ${i.path}`);
    expect(errors).toEqual(
      expect.arrayContaining([
        "IR_DUPLICATE_STEP_ID $.pipelines[0].steps[1]",
        "IR_UNKNOWN_DEPENDENCY $.pipelines[0].steps[0].dependsOn[0]",
        "IR_SELF_DEPENDENCY $.pipelines[0].steps[0].dependsOn[1]",
      ]),
    );
    const input = join(scratch.dir, "broken.reference.json");
    const outDir = join(scratch.dir, "broken-out");
    await writeFile(input, JSON.stringify(reference));
    const result = await ordo(["import", input, "--out-dir", outDir]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/error IR_UNKNOWN_DEPENDENCY/);
    await expect(readFile(join(outDir, "broken.dag.json"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  test("throttle rules lose to direct limits; admission policies become policies.admission", () => {
    const { pipelines, issues } = importReferencePipelines({
      pipelines: [
        {
          name: "limits",
          version: "1",
          executionMode: "Dag",
          config: {
            provider: "acme",
            concurrency: {
              enabled: true,
              maxModelConcurrency: 2,
              throttleRules: [{ scope: "model", target: "acme:big", limit: 1 }],
              policies: [
                {
                  name: "concurrency.throttle",
                  config: { scope: "step-type", limit: 4, defaultRetryAfterMs: 10 },
                },
                { name: "concurrency.provider.admission", config: { blockedProviders: ["evil"] } },
              ],
            },
            retention: {
              enabled: true,
              policies: ["retention.compact.terminal", "retention.hybrid.terminal"],
            },
          },
          steps: [{ name: "only", stepKey: "x.a", config: { concurrency: { leaseSeconds: 30 } } }],
        },
      ],
    });
    const ir = pipelines[0]!.ir;
    expect(ir.policies?.concurrency).toEqual([
      { scope: "model", limit: 2 },
      { scope: "step", limit: 4, retryAfterMs: 10 },
    ]);
    expect(ir.policies?.admission).toEqual({ blockedProviders: ["evil"] });
    expect(ir.policies?.custom).toBeUndefined();
    expect(ir.policies?.retention).toEqual({ hot: "evict" });
    expect(ir.steps[0]!.metadata).toEqual({ provider: "acme" });
    expect(ir.steps[0]!.policies).toEqual({ timeout: { leaseMs: 30_000 } });
    expect(issues.map((i) => i.path)).toContain(
      "$.pipelines[0].config.concurrency.throttleRules[0]",
    );
  });
});
