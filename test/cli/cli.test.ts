import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { definitionFingerprint, validatePipeline } from "@ordo/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { triage } from "./fixtures/triage.pipeline.js";
import { FIXTURES, ordo, ROOT, scratchDir } from "./helpers.js";

const module = `${FIXTURES}/triage.pipeline.ts`;
let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir("cli");
});
afterAll(() => scratch.remove());

describe("help and version", () => {
  test("--version prints the package version", async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, "packages/cli/package.json"), "utf8"));
    const result = await ordo(["--version"]);
    expect(result).toMatchObject({ code: 0, out: `${pkg.version}\n` });
  });

  test("--help lists every command; <cmd> --help shows its options", async () => {
    const global = await ordo(["--help"]);
    expect(global.code).toBe(0);
    for (const name of ["compile", "check", "validate", "graph", "import"]) {
      expect(global.out).toMatch(new RegExp(`^  ${name} `, "m"));
    }
    const compile = await ordo(["compile", "--help"]);
    expect(compile.code).toBe(0);
    expect(compile.out).toContain("Usage: ordo compile <module.ts>");
    expect(compile.out).toMatch(/-o, --out <file>/);
  });
});

describe("usage errors exit 2 with code USAGE", () => {
  test.each([
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["compile", module, "--bogus"], /Unknown option '--bogus'/],
    [["compile"], /missing argument/],
    [["validate", "a.json", "b.json"], /unexpected argument 'b.json'/],
    [["validate", "no/such/file.json"], /cannot read 'no\/such\/file.json'/],
    [["compile", "no/such/module.ts"], /cannot read/],
    [["graph", module, "--name", "triage", "--format", "svg"], /unknown --format 'svg'/],
    [
      ["compile", module],
      /exports 2 pipelines; choose one with --name: default\|triage, summarize/,
    ],
    [["compile", module, "--name", "nope"], /no pipeline export 'nope'/],
  ])("ordo %j", async (argv, message) => {
    const result = await ordo(argv);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^error USAGE: /);
    expect(result.err).toMatch(message);
    expect(result.out).toBe("");
  });

  test("a JSON file that does not parse is a usage error", async () => {
    const result = await ordo(["validate", `${FIXTURES}/triage.pipeline.ts`]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/is not valid JSON/);
  });
});

describe("ordo compile", () => {
  test("prints the IR the builder compiles", async () => {
    const result = await ordo(["compile", module, "--name", "triage"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual(JSON.parse(JSON.stringify(triage.compile())));
  });

  test("--json prints { name, version, fingerprint, ir } with a stable fingerprint", async () => {
    const first = JSON.parse((await ordo(["compile", module, "--name", "triage", "--json"])).out);
    const byPipelineName = await ordo(["compile", module, "--name", "ticket-triage", "--json"]);
    const byDefault = await ordo(["compile", module, "--name", "default", "--json"]);
    expect(Object.keys(first)).toEqual(["name", "version", "fingerprint", "ir"]);
    expect(first).toMatchObject({ name: "ticket-triage", version: "1.0.0" });
    expect(first.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(first.fingerprint).toBe(definitionFingerprint(triage.compile()));
    expect(JSON.parse(byPipelineName.out).fingerprint).toBe(first.fingerprint);
    expect(JSON.parse(byDefault.out).fingerprint).toBe(first.fingerprint);
    const other = JSON.parse(
      (await ordo(["compile", module, "--name", "summarize", "--json"])).out,
    );
    expect(other.fingerprint).not.toBe(first.fingerprint);
  });

  test("--out writes the document; compiling the written IR gives the same fingerprint", async () => {
    const out = join(scratch.dir, "nested", "triage.dag.json");
    const result = await ordo(["compile", module, "--name", "triage", "--out", out]);
    expect(result).toMatchObject({ code: 0, out: "" });
    const written = JSON.parse(await readFile(out, "utf8"));
    expect(validatePipeline(written).ok).toBe(true);
    const again = JSON.parse((await ordo(["compile", out, "--json"])).out);
    expect(again.fingerprint).toBe(definitionFingerprint(triage.compile()));
  });

  test("a module whose builder rejects a step while loading exits 1 with the IR code", async () => {
    const file = join(scratch.dir, "throws.pipeline.ts");
    await writeFile(
      file,
      [
        'import { declareStep, pipeline, use } from "@ordo/sdk";',
        'import { z } from "zod";',
        'const echo = declareStep({ type: "t.echo", version: "1.0.0", input: z.object({ text: z.string() }), output: z.object({ text: z.string() }) });',
        'export const p = pipeline({ name: "p", version: "1.0.0" })',
        '  .step("a", use(echo, () => ({ text: "x" })))',
        "  // @ts-expect-error unknown step on purpose",
        '  .step("b", use(echo, ($) => ({ text: $.steps.ghost.output.text })));',
      ].join("\n"),
    );
    const result = await ordo(["compile", file]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error IR_BINDING_UNKNOWN_STEP: /);
  });

  test("an invalid raw IR prints its issues and exits 1", async () => {
    const result = await ordo(["compile", `${FIXTURES}/invalid.dag.json`]);
    expect(result.code).toBe(1);
    expect(result.err).toContain("$.steps[1].id error IR_DUPLICATE_STEP_ID");
  });
});

describe("ordo validate", () => {
  test("--json lists every error of an invalid document and exits 1", async () => {
    const result = await ordo(["validate", `${FIXTURES}/invalid.dag.json`, "--json"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out);
    expect(report.valid).toBe(false);
    expect(report).not.toHaveProperty("fingerprint");
    const found = report.errors.map((e: { code: string; path: string }) => `${e.code} ${e.path}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "IR_DUPLICATE_STEP_ID $.steps[1].id",
        "IR_UNKNOWN_DEPENDENCY $.steps[0].dependsOn[0]",
        "IR_BINDING_UNKNOWN_STEP $.steps[0].inputs.q",
      ]),
    );
    for (const error of report.errors)
      expect(Object.keys(error)).toEqual(["code", "path", "message"]);
  });

  test("without --json prints one line per error with its code", async () => {
    const result = await ordo(["validate", `${FIXTURES}/invalid.dag.json`]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      `${FIXTURES}/invalid.dag.json $.steps[0].dependsOn[0] error IR_UNKNOWN_DEPENDENCY `,
    );
  });

  test("a valid document reports its fingerprint and exits 0", async () => {
    const out = join(scratch.dir, "valid.dag.json");
    await ordo(["compile", module, "--name", "summarize", "--out", out]);
    const result = await ordo(["validate", out, "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({
      valid: true,
      fingerprint: JSON.parse(
        (await ordo(["compile", module, "--name", "summarize", "--json"])).out,
      ).fingerprint,
      errors: [],
    });
  });
});

describe("ordo graph", () => {
  test("mermaid: nodes with id and type, dependsOn edges, non-default trigger rules shown", async () => {
    const result = await ordo(["graph", module, "--name", "triage"]);
    expect(result.code).toBe(0);
    const lines = result.out.trim().split("\n");
    expect(lines[0]).toBe("flowchart TD");
    expect(lines).toContain('  s0["<b>ingest</b><br/>triage.ingest"]');
    expect(lines).toContain('  s2["<b>route</b><br/>triage.route<br/>trigger: all_done"]');
    expect(lines).toContain("  s0 --> s1");
    expect(lines).toContain("  s1 -. all_done .-> s2");
    expect(lines).toContain("  s0 -. all_done .-> s2");
    expect(lines.filter((line) => line.includes("-->") || line.includes(".->"))).toHaveLength(3);
  });

  test("dot: quoted ids, labelled dashed edges into a non-default trigger", async () => {
    const result = await ordo(["graph", module, "--name", "triage", "--format", "dot"]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^digraph "ticket-triage@1\.0\.0" \{/);
    expect(result.out).toContain('"ingest" -> "classify";');
    expect(result.out).toContain('"classify" -> "route" [label="all_done", style=dashed];');
    expect(result.out).toContain('"route" [label="route\\ntriage.route\\ntrigger: all_done"];');
  });

  test("reads IR JSON files too", async () => {
    const out = join(scratch.dir, "graph.dag.json");
    await ordo(["compile", module, "--name", "summarize", "--out", out]);
    const result = await ordo(["graph", out]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('s0["<b>ingest</b><br/>triage.ingest"]');
  });
});
