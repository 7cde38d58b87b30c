/**
 * Reference admission policies (SEED-SPEC 6.4: `concurrency.provider.admission`,
 * `concurrency.model.admission`, `concurrency.operation.admission`) to one Ordo
 * `policies.admission`. The reference evaluates each policy on its own and a step must pass all
 * of them, so several policies combine into one that refuses what any of them refuses: blocked
 * lists are united, allowed lists intersected, `require*` flags or-ed. A policy that cannot be
 * expressed that way (an allowed list that would end up empty) is kept as a custom reference
 * and reported, never dropped silently and never widened.
 */
import type { AdmissionPolicy, CustomPolicyRef, JsonValue } from "@ordo/core";
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

const LIST_PAIRS: readonly (readonly [ListField, ListField])[] = [
  ["allowedProviders", "blockedProviders"],
  ["allowedModels", "blockedModels"],
  ["allowedOperations", "blockedOperations"],
];

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
  let draft: Draft = {};
  const custom: CustomPolicyRef[] = [];
  for (const entry of entries) {
    const rule = readRule(entry, log);
    const merged = rule === undefined ? undefined : withoutConflicts(combine(draft, rule));
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
    } else if (!out.some((seen) => same(seen, name))) out.push(name);
  }
  return out;
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** A step must pass both: blocked lists united, allowed lists intersected, flags or-ed. */
function combine(a: Draft, b: Draft): Draft {
  const out: Draft = { ...a };
  for (const [allowed, blocked] of LIST_PAIRS) {
    const x = a[allowed];
    const y = b[allowed];
    if (y !== undefined)
      out[allowed] = x === undefined ? y : x.filter((n) => y.some((m) => same(n, m)));
    const blockedList = [...(a[blocked] ?? []), ...(b[blocked] ?? [])];
    const unique = blockedList.filter((n, i) => blockedList.findIndex((m) => same(n, m)) === i);
    if (unique.length > 0) out[blocked] = unique;
  }
  for (const flag of ["requireProvider", "requireModel", "requireOperation"] as const) {
    if (b[flag]) out[flag] = true;
  }
  if (b.reason !== undefined && !(a.reason ?? "").split("; ").includes(b.reason)) {
    out.reason = a.reason === undefined ? b.reason : `${a.reason}; ${b.reason}`;
  }
  // The longer wait of the two: neither policy admits the step sooner.
  if (b.retryAfterMs !== undefined)
    out.retryAfterMs = Math.max(a.retryAfterMs ?? 0, b.retryAfterMs);
  return out;
}

/**
 * Values both allowed and blocked are refused by the reference (blocked is checked first) and
 * are an `IR_INVALID_POLICY` in Ordo: drop them from the allowed list. Undefined when an allowed
 * list ends up empty (it would admit no value, which `policies.admission` cannot say).
 */
function withoutConflicts(draft: Draft): Draft | undefined {
  const out: Draft = { ...draft };
  for (const [allowed, blocked] of LIST_PAIRS) {
    const list = out[allowed];
    if (list === undefined) continue;
    const kept = list.filter((n) => !(out[blocked] ?? []).some((m) => same(n, m)));
    if (kept.length === 0) return undefined;
    out[allowed] = kept;
  }
  return out;
}
