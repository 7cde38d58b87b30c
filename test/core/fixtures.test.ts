/**
 * Golden IR fixtures: every `test/fixtures/*.dag.json` is a valid pipeline; every
 * `test/fixtures/invalid/<name>.dag.json` produces exactly the issues listed in its sibling
 * `<name>.expected-errors.json` (`[{ code, path }]`, compared as a set).
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  definitionFingerprint,
  ERROR_CODES,
  type IrIssue,
  parsePipeline,
  validatePipeline,
} from "@ordo/core";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../fixtures/", import.meta.url));
const invalidRoot = `${root}invalid/`;
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));
const dagFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".dag.json"))
    .sort();

const key = (issue: Pick<IrIssue, "code" | "path">) => `${issue.code} ${issue.path}`;

describe("valid fixtures", () => {
  const files = dagFiles(root);

  it("include the RAG Q&A and diamond pipelines", () => {
    expect(files).toEqual(expect.arrayContaining(["rag-qa.dag.json", "diamond.dag.json"]));
  });

  it.each(files)("%s validates without issues", (file) => {
    const result = validatePipeline(readJson(root + file));
    expect(result.issues).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(files)("%s has a fingerprint independent of formatting", (file) => {
    const text = readFileSync(root + file, "utf8");
    const compact = JSON.stringify(JSON.parse(text));
    expect(definitionFingerprint(parsePipeline(JSON.parse(compact)))).toBe(
      definitionFingerprint(parsePipeline(JSON.parse(text))),
    );
  });
});

describe("invalid fixtures", () => {
  const files = dagFiles(invalidRoot);

  it("each has an expected-errors sibling, and no sibling is orphaned", () => {
    const expected = readdirSync(invalidRoot).filter((f) => f.endsWith(".expected-errors.json"));
    expect(expected.map((f) => f.replace(".expected-errors.json", "")).sort()).toEqual(
      files.map((f) => f.replace(".dag.json", "")).sort(),
    );
  });

  it.each(files)("%s reports exactly its expected issues", (file) => {
    const expected = readJson(invalidRoot + file.replace(".dag.json", ".expected-errors.json"));
    const result = validatePipeline(readJson(invalidRoot + file));
    expect(result.ok).toBe(false);
    expect(result.issues.map(key).sort()).toEqual((expected as IrIssue[]).map(key).sort());
    for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(10);
  });

  it("cover every IR validation code", () => {
    const covered = new Set<string>(
      files.flatMap((file) =>
        (
          readJson(invalidRoot + file.replace(".dag.json", ".expected-errors.json")) as IrIssue[]
        ).map((issue) => issue.code),
      ),
    );
    const codes = Object.keys(ERROR_CODES).filter((code) => code.startsWith("IR_"));
    expect(codes.filter((code) => !covered.has(code))).toEqual([]);
  });

  it("describe a cycle by its path and a version mismatch alone", () => {
    const cycle = validatePipeline(readJson(`${invalidRoot}cycle.dag.json`));
    expect(cycle.issues[0]?.message).toContain("retrieve -> answer -> rerank -> retrieve");
    const version = validatePipeline(readJson(`${invalidRoot}version-mismatch.dag.json`));
    expect(version.issues).toHaveLength(1);
    expect(version.issues[0]?.message).toContain("version 2");
  });
});
