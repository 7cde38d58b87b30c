/**
 * Reference admission policies (SEED-SPEC 6.4: `concurrency.provider.admission`,
 * `concurrency.model.admission`, `concurrency.operation.admission`) to one Ordo
 * `policies.admission`. The reference evaluates each policy on its own and a step must pass all
 * of them, so several policies combine into one that refuses what any of them refuses
 * (`narrowAdmission` of `@ordo/sdk`: blocked lists united, allowed lists intersected, `require*`
 * flags or-ed). A policy that cannot be expressed that way (an allowed list that would end up
 * empty) is kept as a custom reference and reported, never dropped silently and never widened.
 */
import {
  type AdmissionPolicy,
  type CustomPolicyRef,
  isOrdoError,
  type JsonValue,
} from "@ordo/core";
import { narrowAdmission } from "@ordo/sdk";
import { childPath, type IssueLog, numberAt, PropertyReader, stringAt } from "./reader.js";

/** One admission entry of a reference `concurrency.policies` list. */
export interface AdmissionEntry {
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly path: string;
}

type ListField =
  | "allowedProviders"
  | "blockedProviders"
  | "allowedModels"
  | "blockedModels"
  | "allowedOperations"
  | "blockedOperations";
type FlagField = "requireProvider" | "requireModel" | "requireOperation";

/** Fields each reference policy reads (SEED-SPEC 6.4); `reason`/`retryAfterMs` are read by all. */
const FIELDS_BY_POLICY: Readonly<Record<string, readonly (ListField | FlagField)[]>> = {
  "concurrency.provider.admission": ["allowedProviders", "blockedProviders", "requireProvider"],
  "concurrency.model.admission": [
    "allowedModels",
    "blockedModels",
    "requireModel",
    "requireProvider",
  ],
  "concurrency.operation.admission": ["allowedOperations", "blockedOperations", "requireOperation"],
};

/** Mutable form of an admission policy while rules are folded together. */
type Draft = { -readonly [K in keyof AdmissionPolicy]: AdmissionPolicy[K] };

/** True for a reference admission policy name (matched case-insensitively). */
export function isAdmissionPolicy(name: string): boolean {
  return FIELDS_BY_POLICY[name.toLowerCase()] !== undefined;
}

/** Result of {@link mapAdmission}. */
export interface MappedAdmission {
  readonly admission?: AdmissionPolicy;
  /** Policies that could not be expressed as `policies.admission` (each reported). */
  readonly custom: CustomPolicyRef[];
}

/**
 * Admission entries of one config level (pipeline or step) -> that level's `policies.admission`.
 *
 * @example
 * ```ts
 * mapAdmission([{ name: "concurrency.provider.admission", path: "$.p[0]",
 *   config: { blockedProviders: ["openai"], reason: "EU only" } }], new IssueLog());
 * // => { admission: { blockedProviders: ["openai"], reason: "EU only" }, custom: [] }
 * ```
 */
export function mapAdmission(entries: readonly AdmissionEntry[], log: IssueLog): MappedAdmission {
  let draft: AdmissionPolicy = {};
  const custom: CustomPolicyRef[] = [];
  for (const entry of entries) {
    const rule = readRule(entry, log);
    const merged = rule === undefined ? undefined : narrowed(draft, rule);
    if (merged === undefined) {
      log.warn(
        entry.path,
        `admission policy '${entry.name}' cannot be expressed as policies.admission (an allowed list would admit nothing); imported as a custom admission reference: register it in your workers`,
      );
      custom.push({ name: entry.name, kind: "admission", config: entry.config as JsonValue });
      continue;
    }
    draft = merged;
  }
  const hasRule = Object.keys(draft).some((key) => key !== "reason" && key !== "retryAfterMs");
  return hasRule ? { admission: draft, custom } : { custom };
}

/** One policy's config as a draft; undefined when an allowed list has no usable entry. */
function readRule(entry: AdmissionEntry, log: IssueLog): Draft | undefined {
  const reader = new PropertyReader(entry.config, childPath(entry.path, "config"));
  const draft: Draft = {};
  for (const field of FIELDS_BY_POLICY[entry.name.toLowerCase()] ?? []) {
    const value = reader.take(field);
    if (value === undefined || value === null) continue;
    if (field.startsWith("require")) {
      if (value === true) draft[field as FlagField] = true;
      else if (value !== false)
        log.warn(reader.pathOf(field), `${field} must be a boolean; ignored`);
      continue;
    }
    const list = readList(value, field.endsWith("Models"), reader.pathOf(field), log);
    if (list.length > 0) draft[field as ListField] = list;
    else if (field.startsWith("allowed")) return undefined;
  }
  const reason = stringAt(reader.take("reason"), reader.pathOf("reason"), log)?.trim();
  if (reason) draft.reason = reason;
  const retryAfterMs = numberAt(reader.take("retryAfterMs"), reader.pathOf("retryAfterMs"), log);
  if (retryAfterMs !== undefined && retryAfterMs >= 1)
    draft.retryAfterMs = Math.floor(retryAfterMs);
  else if (retryAfterMs !== undefined) {
    log.warn(
      reader.pathOf("retryAfterMs"),
      `retryAfterMs ${retryAfterMs} is not positive; ignored`,
    );
  }
  reader.reportUnknown(log, `${entry.name} config`);
  return draft;
}

/** A list of names, trimmed and deduplicated (case-insensitively); bad entries are reported. */
function readList(value: unknown, models: boolean, path: string, log: IssueLog): string[] {
  const items = typeof value === "string" ? [value] : value;
  if (!Array.isArray(items)) {
    log.warn(path, "expected an array of names; ignored");
    return [];
  }
  const out: string[] = [];
  for (const [index, item] of items.entries()) {
    const name = typeof item === "string" ? item.trim() : "";
    // Ordo keys models as provider:model (as the reference's model targets); `provider:*` = all.
    if (name === "" || (models && !/^[^:\s]+:\S.*$/.test(name))) {
      const expected = models ? "a provider:model name" : "a non-empty name";
      log.warn(
        childPath(path, index),
        `expected ${expected}, got ${JSON.stringify(item)}; ignored`,
      );
    } else if (!out.some((seen) => seen.toLowerCase() === name.toLowerCase())) out.push(name);
  }
  return out;
}

/** Both policies as one, or undefined when an allowed list would admit nothing. */
function narrowed(a: AdmissionPolicy, b: AdmissionPolicy): AdmissionPolicy | undefined {
  try {
    return narrowAdmission(a, b);
  } catch (error) {
    if (isOrdoError(error) && error.code === "IR_INVALID_POLICY") return undefined;
    throw error;
  }
}
