/**
 * Robustness: validation of arbitrary or corrupted documents never throws; it returns issues
 * with known codes and JSON paths. Corruptions replace one random node of a real fixture.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ERROR_CODES, validatePipeline } from "@ordo/core";
import fc from "fast-check";
import { expect, it } from "vitest";

const base: unknown = JSON.parse(
  readFileSync(fileURLToPath(new URL("../fixtures/rag-qa.dag.json", import.meta.url)), "utf8"),
);

/** Every path to a node of a JSON value. */
function nodePaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const own = [prefix];
  if (Array.isArray(value)) {
    return own.concat(value.flatMap((item, index) => nodePaths(item, [...prefix, index])));
  }
  if (typeof value === "object" && value !== null) {
    return own.concat(Object.entries(value).flatMap(([k, v]) => nodePaths(v, [...prefix, k])));
  }
  return own;
}

function replaceAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head as string | number] = replaceAt(copy[head as string | number], rest, replacement);
  return copy;
}

const paths = nodePaths(base);

function expectWellFormed(input: unknown): void {
  const result = validatePipeline(input);
  if (result.ok) return;
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(Object.keys(ERROR_CODES)).toContain(issue.code);
    expect(issue.path.startsWith("$")).toBe(true);
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

it("never throws on arbitrary JSON", () => {
  fc.assert(fc.property(fc.jsonValue(), expectWellFormed), { numRuns: 300 });
});

it("never throws on a corrupted real pipeline", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...paths),
      fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant({ $ref: "steps.x.output" })),
      (path, replacement) => expectWellFormed(replaceAt(base, path, replacement)),
    ),
    { numRuns: 500 },
  );
});
