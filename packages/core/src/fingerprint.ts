/**
 * Definition fingerprint: SHA-256 of the canonical JSON of the normalised IR. Identical for the
 * same pipeline however it was built (builder, CLI extraction, hand-written JSON) or key-ordered;
 * different for any semantic change.
 */
import { canonicalJson, sha256Hex } from "./canonical-json.js";
import type { PipelineIR, PipelineIRInput, StepIR, StepIRInput } from "./ir.js";
import type { PolicySet } from "./policies.js";

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A policy set without absent members; `undefined` when nothing is set (same as no policies). */
function normalizePolicies(policies: PolicySet | undefined): PolicySet | undefined {
  if (policies === undefined) return undefined;
  const kept = dropUndefined(policies);
  return Object.keys(kept).length === 0 ? undefined : kept;
}

function normalizeStep(step: StepIR | StepIRInput): StepIR {
  return dropUndefined({
    id: step.id,
    type: step.type,
    typeVersion: step.typeVersion,
    dependsOn: [...new Set(step.dependsOn ?? [])].sort(),
    inputs: step.inputs ?? {},
    config: step.config ?? {},
    metadata: dropUndefined(step.metadata ?? {}),
    policies: normalizePolicies(step.policies),
    trigger: step.trigger ?? "all_success",
    schemas: dropUndefined(step.schemas),
  });
}

/**
 * The normal form of a pipeline: `dependsOn` sorted and unique, absent optional fields removed
 * (an empty policy set counts as absent), defaults applied (`dependsOn` `[]`, `inputs` `{}`,
 * `config` `{}`, `metadata` `{}`, `trigger` `"all_success"`). Step order is kept: it breaks ties
 * when scheduling. Does not validate; a fresh object is returned, the input is not modified.
 *
 * @example
 * ```ts
 * import { normalizePipeline } from "@ordo/core";
 * const ir = normalizePipeline({
 *   ordo: 1, name: "p", version: "1", input: {},
 *   steps: [{ id: "a", type: "t", typeVersion: "1", dependsOn: ["z", "b", "z"],
 *             schemas: { input: {}, output: {} } }],
 * });
 * ir.steps[0]?.dependsOn; // ["b", "z"]
 * ir.steps[0]?.trigger; // "all_success"
 * ```
 */
export function normalizePipeline(ir: PipelineIR | PipelineIRInput): PipelineIR {
  return dropUndefined({
    ordo: ir.ordo,
    name: ir.name,
    version: ir.version,
    description: ir.description,
    input: ir.input,
    steps: ir.steps.map(normalizeStep),
    output: ir.output,
    policies: normalizePolicies(ir.policies),
    metadata: ir.metadata === undefined ? undefined : dropUndefined(ir.metadata),
  });
}

/**
 * The definition fingerprint: lowercase hex SHA-256 of `canonicalJson(normalizePipeline(ir))`.
 * Stored with every execution; two IRs with the same fingerprint run identically.
 *
 * @throws OrdoError `NOT_JSON` when the IR holds a non-JSON value (NaN, a function, ...).
 *
 * @example
 * ```ts
 * import { definitionFingerprint, parsePipeline } from "@ordo/core";
 * const a = definitionFingerprint(parsePipeline(JSON.parse(textA)));
 * const b = definitionFingerprint(parsePipeline(JSON.parse(textB)));
 * a === b; // true when the two files differ only in key order and whitespace
 * ```
 */
export function definitionFingerprint(ir: PipelineIR | PipelineIRInput): string {
  return sha256Hex(canonicalJson(normalizePipeline(ir)));
}
