/**
 * `ordo import`: pipelines in the reference runtime's JSON format (SEED-SPEC 2) to Ordo IR.
 *
 * This lives in `@ordo/analyze` rather than in the CLI because it is a pure data conversion other
 * programs (migration scripts, a control plane accepting legacy definitions) can call without the
 * `ordo` binary; the CLI only reads files and prints.
 */
import {
  definitionFingerprint,
  type JsonValue,
  type PipelineIR,
  STEP_ID_PATTERN,
  type StepMetadata,
  validatePipeline,
} from "@ordo/core";
import {
  type ConvertedStep,
  convertStep,
  mapStepPolicies,
  type StepContext,
} from "./convert-step.js";
import {
  childPath,
  type ImportIssue,
  IssueLog,
  isObject,
  PropertyReader,
  stringAt,
} from "./reader.js";

/** Options of {@link importReferencePipelines}. */
export interface ImportOptions {
  /** Plugin version written to every step's `typeVersion`; the reference has none. Default "1.0.0". */
  readonly typeVersion?: string;
}

/** One converted pipeline. */
export interface ImportedPipeline {
  readonly name: string;
  readonly version: string;
  /** Suggested file name: `<name>.dag.json` (`<name>@<version>.dag.json` when names repeat). */
  readonly fileName: string;
  readonly ir: PipelineIR;
  readonly fingerprint: string;
}

/** Result of {@link importReferencePipelines}: IR for every convertible pipeline, and all issues. */
export interface ImportResult {
  readonly pipelines: readonly ImportedPipeline[];
  /** Warnings (something not carried over) and errors (a pipeline the reference would reject). */
  readonly issues: readonly ImportIssue[];
}

/**
 * Converts a parsed reference pipeline file (a root array or `{ "pipelines": [...] }`) to one
 * validated IR per pipeline. Never throws on bad input: everything becomes an issue with the JSON
 * path it was found at. A pipeline whose IR fails `validatePipeline` is left out, with its issues.
 *
 * @example
 * ```ts
 * import { importReferencePipelines } from "@ordo/analyze";
 *
 * const { pipelines, issues } = importReferencePipelines({
 *   pipelines: [{ name: "hello", executionMode: "Dag",
 *     steps: [{ name: "greet", stepKey: "demo.greet", input: { who: "state.user" } }] }],
 * });
 * // pipelines[0].ir.steps[0].inputs => { who: { $ref: "input.user" } }
 * ```
 */
export function importReferencePipelines(
  document: unknown,
  options: ImportOptions = {},
): ImportResult {
  const log = new IssueLog();
  const list = rootPipelines(document, log);
  const converted: { ir: PipelineIR; fingerprint: string }[] = [];
  for (const { value, path } of list) {
    if (!isObject(value)) {
      log.error(path, "a pipeline must be an object");
      continue;
    }
    const ir = convertPipeline(value, path, log, options.typeVersion ?? "1.0.0");
    if (ir === undefined) continue;
    const result = validatePipeline(ir);
    if (!result.ok) {
      for (const issue of result.issues) {
        log.error(path, `generated IR invalid at ${issue.path}: ${issue.message}`, issue.code);
      }
      continue;
    }
    converted.push({ ir: result.ir, fingerprint: definitionFingerprint(result.ir) });
  }
  return { pipelines: withFileNames(converted), issues: log.issues };
}

function rootPipelines(document: unknown, log: IssueLog): { value: unknown; path: string }[] {
  if (Array.isArray(document))
    return document.map((value, index) => ({ value, path: `$[${index}]` }));
  if (isObject(document)) {
    const reader = new PropertyReader(document, "$");
    const pipelines = reader.take("pipelines");
    reader.reportUnknown(log, "root");
    if (Array.isArray(pipelines)) {
      const base = reader.pathOf("pipelines");
      return pipelines.map((value, index) => ({ value, path: childPath(base, index) }));
    }
  }
  log.error("$", 'expected a JSON array of pipelines or { "pipelines": [...] }');
  return [];
}

function convertPipeline(
  raw: Record<string, unknown>,
  path: string,
  log: IssueLog,
  typeVersion: string,
): PipelineIR | undefined {
  const reader = new PropertyReader(raw, path);
  const name = stringAt(reader.take("name"), reader.pathOf("name"), log);
  let version = stringAt(reader.take("version"), reader.pathOf("version"), log);
  const mode = reader.take("executionMode");
  const config = reader.take("config");
  const steps = reader.take("steps");
  reader.reportUnknown(log, "pipeline");
  if (name === undefined || name === "")
    return void log.error(path, "pipeline has no name; skipped");
  if (!Array.isArray(steps) || steps.length === 0) {
    return void log.error(reader.pathOf("steps"), `pipeline '${name}' has no steps; skipped`);
  }
  if (version === undefined || version === "") {
    log.warn(path, `pipeline '${name}' has no version; using "0.0.0"`);
    version = "0.0.0";
  }
  const configReader = new PropertyReader(isObject(config) ? config : {}, reader.pathOf("config"));
  const policies = mapStepPolicies(configReader, log);
  const ctx: StepContext = {
    stepIds: assignStepIds(steps, reader.pathOf("steps"), log),
    inheritedMetadata: pipelineMetadata(configReader, log),
    inheritedConfig: inheritedConfig(configReader, log),
    pipelineAdmission: policies.admission !== undefined,
    typeVersion,
    log,
  };
  const converted: ConvertedStep[] = [];
  for (const [index, step] of steps.entries()) {
    const stepPath = childPath(reader.pathOf("steps"), index);
    const result = isObject(step) ? convertStep(step, stepPath, ctx) : undefined;
    if (!isObject(step)) log.error(stepPath, "a step must be an object");
    if (result) converted.push(result);
  }
  // The reference sorts resolved steps by `order` (stable); keep that as the IR's step order.
  converted.sort((a, b) => a.order - b.order);
  if (isSequential(mode, reader.pathOf("executionMode"), log)) chainByOrder(converted);
  warnDefaultRetry(converted, policies.retry !== undefined, path, log);
  return {
    ordo: 1,
    name,
    version,
    input: {},
    steps: converted.map((entry) => entry.step),
    ...(Object.keys(policies).length === 0 ? {} : { policies }),
  };
}

/** Step names become ids; names that are not valid ids (`[A-Za-z][A-Za-z0-9_-]*`) are rewritten. */
function assignStepIds(
  steps: readonly unknown[],
  path: string,
  log: IssueLog,
): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const [index, step] of steps.entries()) {
    const name = isObject(step) ? new PropertyReader(step, "").take("name") : undefined;
    if (typeof name !== "string" || name === "") continue;
    const stepPath = childPath(path, index);
    if (ids.has(name)) {
      log.error(stepPath, `duplicate step name '${name}'`, "IR_DUPLICATE_STEP_ID");
      continue;
    }
    let id = STEP_ID_PATTERN.test(name) ? name : sanitizeId(name);
    for (let n = 2; taken.has(id); n += 1) id = `${sanitizeId(name).slice(0, 60)}-${n}`;
    if (id !== name)
      log.warn(stepPath, `step name '${name}' is not a valid Ordo step id; renamed to '${id}'`);
    ids.set(name, id);
    taken.add(id);
  }
  return ids;
}

function sanitizeId(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]/g, "-");
  return (/^[A-Za-z]/.test(cleaned) ? cleaned : `s${cleaned}`).slice(0, 64);
}

function pipelineMetadata(reader: PropertyReader, log: IssueLog): StepMetadata {
  const metadata: Record<string, string> = {};
  for (const [key, names] of [
    ["provider", ["provider"]],
    ["model", ["model"]],
    ["operation", ["operation", "type"]],
  ] as const) {
    const value = stringAt(reader.take(...names), reader.pathOf(names[0]), log);
    if (value !== undefined && value !== "") metadata[key] = value;
  }
  return metadata;
}

/** Free pipeline config keys: the reference's step config reads fall back to them. */
function inheritedConfig(reader: PropertyReader, log: IssueLog): Record<string, JsonValue> {
  const inherited: Record<string, JsonValue> = {};
  for (const [key, value] of reader.rest()) {
    log.warn(
      childPath(reader.path, key),
      `pipeline config '${key}' copied into every step's config (the reference falls back to pipeline config; step values win)`,
    );
    inherited[key] = value as JsonValue;
  }
  return inherited;
}

function isSequential(mode: unknown, path: string, log: IssueLog): boolean {
  if (typeof mode === "string" && mode.toLowerCase() === "dag") return false;
  if (mode !== undefined && !(typeof mode === "string" && mode.toLowerCase() === "sequential")) {
    log.warn(path, `unknown executionMode ${JSON.stringify(mode)}; treated as Sequential`);
  }
  log.warn(path, "Sequential executionMode: each step now depends on the previous one by 'order'");
  return true;
}

/** Sequential mode runs steps one after another in `order`: step i depends on step i-1. */
function chainByOrder(steps: ConvertedStep[]): void {
  for (let index = 1; index < steps.length; index += 1) {
    const entry = steps[index]!;
    const previous = steps[index - 1]!.step.id;
    const dependsOn = [...new Set([...entry.step.dependsOn, previous])].sort();
    steps[index] = { ...entry, step: { ...entry.step, dependsOn } };
  }
}

function warnDefaultRetry(
  steps: readonly ConvertedStep[],
  pipelineRetry: boolean,
  path: string,
  log: IssueLog,
): void {
  const without = steps.filter((entry) => !entry.hasRetry).map((entry) => entry.step.id);
  if (pipelineRetry || without.length === 0) return;
  log.warn(
    path,
    `steps without config.retry (${without.join(", ")}) get Ordo's default retry policy, not the reference's implicit 3 retries at a fixed 500 ms`,
  );
}

function withFileNames(
  converted: readonly { ir: PipelineIR; fingerprint: string }[],
): ImportedPipeline[] {
  const counts = new Map<string, number>();
  for (const { ir } of converted) counts.set(ir.name, (counts.get(ir.name) ?? 0) + 1);
  return converted.map(({ ir, fingerprint }) => {
    const base = (counts.get(ir.name) ?? 0) > 1 ? `${ir.name}@${ir.version}` : ir.name;
    const fileName = `${base.replace(/[^A-Za-z0-9._@-]/g, "_")}.dag.json`;
    return { name: ir.name, version: ir.version, fileName, ir, fingerprint };
  });
}
