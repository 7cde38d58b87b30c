import { writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { analyzeFiles } from "@ordo/analyze";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FIXTURES, ordo, ROOT, scratchDir } from "./helpers.js";

/** Line/column (1-based) of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string, from = 0): { line: number; column: number } {
  const index = text.indexOf(needle, from);
  if (index < 0) throw new Error(`fixture does not contain ${needle}`);
  const before = text.slice(0, index).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

const HEADER = `import { declareStep, pipeline, use } from "@ordo/sdk";
import { z } from "zod";

const echo = declareStep({
  type: "test.echo",
  version: "1.0.0",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
});
`;

// Deliberately broken modules: written at test time into a dot-folder the repo typecheck skips.
const BAD_BINDING = `${HEADER}
export const bad = pipeline({ name: "bad", version: "1.0.0", input: z.object({ q: z.string() }) })
  .step("a", use(echo, ($) => ({ text: $.input.q })))
  .step("b", use(echo, ($) => ({ text: $.steps.missing.output.text })));
`;

const MANY_MISTAKES = `${HEADER}
const base = pipeline({ name: "many", version: "1.0.0", input: z.object({ q: z.string() }) })
  .step("a", use(echo, ($) => ({ text: $.input.q })));

export const many = base
  .step("b", use(echo, ($) => ({ text: $.steps.c.output.text })))
  .step("a", use(echo, ($) => ({ text: $.steps.b.output.text })))
  .dependsOn("ghost")
  .step("c", use(echo, ($) => ({ text: $.input.q })))
  .output(($) => ({ out: $.steps.nope.output.text }));
`;

// Type-correct and statically fine, but the compiled IR reads a field the output schema lacks:
// only validatePipeline (c) finds it, and it must be mapped back to the 'text' input.
const UNKNOWN_FIELD = `${HEADER}
export default pipeline({ name: "fields", version: "1.0.0", input: z.object({ q: z.string() }) })
  .step("a", use(echo, ($) => ({ text: $.input.q })))
  .step("b", use(echo, ($) => ({
    text: $.ref<string>("steps.a.output.nothere"),
  })));
`;

const CYCLE = `${HEADER}
export const loop = pipeline({ name: "loop", version: "1.0.0" })
  .step("a", use(echo, ($) => ({ text: $.steps.b.output.text })))
  .step("b", use(echo, ($) => ({ text: $.steps.a.output.text })));
`;

let scratch: Awaited<ReturnType<typeof scratchDir>>;
const file = (name: string) => join(scratch.dir, name);
beforeAll(async () => {
  scratch = await scratchDir("check");
  await writeFile(file("bad-binding.pipeline.ts"), BAD_BINDING);
  await writeFile(file("many.pipeline.ts"), MANY_MISTAKES);
  await writeFile(file("fields.pipeline.ts"), UNKNOWN_FIELD);
  await writeFile(file("cycle.pipeline.ts"), CYCLE);
});
afterAll(() => scratch.remove());

const repoConditions = ["--condition", "@ordo/source"];
// Type-checking pulls the sdk, core and zod sources into a fresh ts-morph program: seconds each.
const SLOW = 90_000;

describe("ordo check", { timeout: SLOW }, () => {
  test("a bad binding is reported at its file:line:col and exits 1", async () => {
    const target = relative(ROOT, file("bad-binding.pipeline.ts"));
    const result = await ordo(["check", target, ...repoConditions]);
    expect(result.code).toBe(1);
    const { line, column } = positionOf(BAD_BINDING, "missing");
    expect(result.out).toContain(
      `${target}:${line}:${column} error IR_BINDING_UNKNOWN_STEP step 'b' binds to unknown step 'missing'`,
    );
    // (a) the builder makes the same mistake a type error; it is reported with its TS code.
    expect(result.out).toMatch(new RegExp(`${line}:${column} error TS2339 Property 'missing'`));
    expect(result.err).toMatch(/ordo check: 2 error\(s\)/);
  });

  test("a valid module passes with exit 0", async () => {
    const result = await ordo(["check", `${FIXTURES}/triage.pipeline.ts`, ...repoConditions]);
    expect(result.out).toBe("");
    expect(result.code).toBe(0);
  });

  test("--json prints the diagnostics as data", async () => {
    const target = relative(ROOT, file("bad-binding.pipeline.ts"));
    const result = await ordo(["check", target, "--json", "--no-types", ...repoConditions]);
    expect(result.code).toBe(1);
    const { line, column } = positionOf(BAD_BINDING, "missing");
    expect(JSON.parse(result.out)).toEqual([
      {
        file: target,
        line,
        column,
        code: "IR_BINDING_UNKNOWN_STEP",
        message: expect.stringContaining("'missing'"),
        severity: "error",
      },
    ]);
  });

  test("a directory is searched for pipeline modules", async () => {
    const result = await ordo([
      "check",
      relative(ROOT, scratch.dir),
      "--no-types",
      ...repoConditions,
    ]);
    expect(result.code).toBe(1);
    expect(result.out).toContain("bad-binding.pipeline.ts:");
    expect(result.out).toContain("many.pipeline.ts:");
  });

  test("without paths the current directory is searched", async () => {
    const result = await ordo(["check", "--no-types", "--no-import"], scratch.dir);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^bad-binding\.pipeline\.ts:\d+:\d+ error IR_BINDING_UNKNOWN_STEP/m);
    expect(result.out).toMatch(/^cycle\.pipeline\.ts:\d+:\d+ error IR_CYCLE/m);
  });

  test("a missing path is a usage error", async () => {
    const result = await ordo(["check", "no/such/dir"]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^error USAGE: cannot read 'no\/such\/dir'/);
  });
});

describe("analyzeFiles", { timeout: SLOW }, () => {
  test("finds duplicate ids, unknown and later references, unknown output steps statically", async () => {
    const diagnostics = await analyzeFiles([file("many.pipeline.ts")], {
      typeCheck: false,
      importModules: false,
    });
    const at = (needle: string, from = 0) => {
      const { line, column } = positionOf(MANY_MISTAKES, needle, from);
      return `${line}:${column}`;
    };
    const found = diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`);
    const secondA = MANY_MISTAKES.indexOf('.step("a"', MANY_MISTAKES.indexOf("export const many"));
    expect(found).toEqual([
      `${at("c.output.text")} IR_BINDING_NOT_ANCESTOR`,
      `${at('"a"', secondA)} IR_DUPLICATE_STEP_ID`,
      `${at('"ghost"')} IR_UNKNOWN_DEPENDENCY`,
      `${at("nope")} IR_UNKNOWN_OUTPUT_STEP`,
    ]);
    expect(diagnostics.every((d) => d.file === file("many.pipeline.ts"))).toBe(true);
  });

  test("forward references that close a loop are reported as a cycle", async () => {
    const diagnostics = await analyzeFiles([file("cycle.pipeline.ts")], {
      typeCheck: false,
      importModules: false,
    });
    const { line, column } = positionOf(CYCLE, "a.output.text");
    expect(diagnostics.map((d) => d.code)).toEqual(["IR_BINDING_NOT_ANCESTOR", "IR_CYCLE"]);
    expect(diagnostics[1]).toMatchObject({
      line,
      column,
      message: "dependencies form a cycle: a -> b -> a",
    });
  });

  test("maps validatePipeline issues of the imported module back to the input's source node", async () => {
    const diagnostics = await analyzeFiles([file("fields.pipeline.ts")], {
      compilerOptions: { customConditions: ["@ordo/source"] },
    });
    const { line, column } = positionOf(UNKNOWN_FIELD, "text: $.ref");
    expect(diagnostics).toEqual([
      expect.objectContaining({
        line,
        column,
        code: "IR_BINDING_UNKNOWN_FIELD",
        message: expect.stringContaining("$.steps[1].inputs.text"),
        severity: "error",
      }),
    ]);
  });

  test("static analysis alone does not see the schema problem (it needs the import)", async () => {
    const diagnostics = await analyzeFiles([file("fields.pipeline.ts")], {
      compilerOptions: { customConditions: ["@ordo/source"] },
      importModules: false,
      typeCheck: false,
    });
    expect(diagnostics).toEqual([]);
  });
});
