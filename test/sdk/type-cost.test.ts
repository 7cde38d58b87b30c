/**
 * Type-cost budget of the builder: a 50-step pipeline must type-check within a budget of type
 * instantiations (the number tsc `--extendedDiagnostics` prints as "Instantiations") and time.
 *
 * The pipeline files are generated into a temp dir under this folder's `.tmp/` (so `@ordo/sdk` and `zod`
 * resolve like in a user project) and checked with the TypeScript API. The cost of the library
 * itself is subtracted by also checking a 1-step pipeline; the 25-step run shows the cost grows
 * linearly with the number of steps (a quadratic builder type would blow the ratio).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, test } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
// Under `.tmp/` (git-ignored, skipped by tsc globs) so a crashed run leaves nothing to commit.
mkdirSync(join(here, ".tmp"), { recursive: true });
const dir = mkdtempSync(join(here, ".tmp", "type-cost-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Budget of instantiations added by a 50-step pipeline over a 1-step one. Measured: 32,889
 * (TypeScript 5.9.3, about 670 per step); the budget leaves ~50% headroom for compiler changes.
 * The 1-step program itself (library types, zod) measured 90,698.
 */
const BUDGET_50 = 50_000;
/**
 * Budget for type-checking the 50-step file, milliseconds (measured about 3 s including the
 * library types it pulls in; generous because test files run in parallel).
 */
const TIME_BUDGET_MS = 15_000;

function stepSource(i: number): string {
  const prev = `$.steps.s${i - 1}.output`;
  if (i === 0) return `.step("s0", rag.retrieve(($) => ({ query: $.input.q, topK: 4 })))`;
  switch (i % 3) {
    case 0:
      return `.step("s${i}", rag.retrieve(($) => ({ query: ${prev}.text, topK: $.input.k })))`;
    case 1:
      return `.step("s${i}", llm(($) => ({ prompt: $.template\`Q \${$.input.q} using \${${prev}.documents}\`, system: "be brief" }), { provider: "openai", model: "gpt-4.1" }))${i % 2 === 0 ? '.dependsOn("s0")' : ""}`;
    default:
      return `.step("s${i}", use(echo, ($) => ({ text: ${prev}.text, tags: [${prev}.model, "x"] })))`;
  }
}

function pipelineSource(steps: number): string {
  const body = Array.from({ length: steps }, (_, i) => `  ${stepSource(i)}`).join("\n");
  const last = steps - 1;
  const lastField = last % 3 === 0 ? "documents" : "text";
  return `import { defineStep, llm, pipeline, rag, use } from "@ordo/sdk";
import { z } from "zod";

const echo = defineStep({
  type: "test.echo",
  version: "1.0.0",
  input: z.object({ text: z.string(), tags: z.array(z.string()) }),
  output: z.object({ text: z.string(), model: z.string() }),
  async run({ text }) {
    return { text, model: "none" };
  },
});

export const big = pipeline({ name: "big", version: "1.0.0", input: z.object({ q: z.string(), k: z.number() }) })
${body}
  .output(($) => ({ last: $.steps.s${last}.output.${lastField} }));
`;
}

function compilerOptions(): ts.CompilerOptions {
  const file = join(root, "tsconfig.base.json");
  const config = ts.readConfigFile(file, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return {
    ...parsed.options,
    noEmit: true,
    composite: false,
    declaration: false,
    declarationMap: false,
    emitDeclarationOnly: false,
    incremental: false,
  };
}

let previous: ts.Program | undefined;

/** Checks a generated pipeline; `ms` is the type-check time (parsing is shared between runs). */
function measure(steps: number): { instantiations: number; ms: number; errors: string[] } {
  const file = join(dir, `pipeline-${steps}.ts`);
  writeFileSync(file, pipelineSource(steps));
  const options = compilerOptions();
  const program = ts.createProgram({ rootNames: [file], options, oldProgram: previous });
  previous = program;
  const started = performance.now();
  // Check only the generated file: library files are checked lazily, as far as it needs them.
  const source = program.getSourceFile(file);
  const diagnostics = [
    ...program.getSyntacticDiagnostics(source),
    ...program.getSemanticDiagnostics(source),
  ];
  const ms = performance.now() - started;
  const errors = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  return { instantiations: program.getInstantiationCount(), ms, errors };
}

describe("builder type cost", () => {
  test("a 50-step pipeline stays within the instantiation and time budget", () => {
    const one = measure(1);
    const half = measure(25);
    const full = measure(50);
    expect(one.errors).toEqual([]);
    expect(half.errors).toEqual([]);
    expect(full.errors).toEqual([]);
    const cost50 = full.instantiations - one.instantiations;
    const cost25 = half.instantiations - one.instantiations;
    console.log(
      `type cost: 1 step ${one.instantiations}, +24 steps ${cost25}, +49 steps ${cost50} instantiations; 50 steps checked in ${Math.round(full.ms)} ms`,
    );
    expect(cost50).toBeLessThan(BUDGET_50);
    // Linear growth: 49 added steps cost about twice 24 added steps (quadratic would be ~4x).
    expect(cost50 / cost25).toBeLessThan(2.6);
    expect(full.ms).toBeLessThan(TIME_BUDGET_MS);
  }, 120_000);
});
