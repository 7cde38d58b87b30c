/**
 * Narrowing two admission policies into one that refuses whatever either refuses: the merge rule
 * of admission ("a step can narrow, never widen") applied to two `.policies()` calls on one step,
 * and to several reference admission policies in `@ordo/analyze`'s importer.
 */
import { type AdmissionPolicy, OrdoError } from "@ordo/core";

type Mutable = { -readonly [K in keyof AdmissionPolicy]: AdmissionPolicy[K] };
type AllowedField = "allowedProviders" | "allowedModels" | "allowedOperations";
type BlockedField = "blockedProviders" | "blockedModels" | "blockedOperations";

const LIST_PAIRS: readonly (readonly [AllowedField, BlockedField])[] = [
  ["allowedProviders", "blockedProviders"],
  ["allowedModels", "blockedModels"],
  ["allowedOperations", "blockedOperations"],
];
const FLAGS = ["requireProvider", "requireModel", "requireOperation"] as const;

// Names match trimmed and case-insensitively, as `evaluateAdmission` matches them.
const key = (name: string): string => name.trim().toLowerCase();
const contains = (list: readonly string[], name: string): boolean =>
  list.some((item) => key(item) === key(name));

/**
 * The one admission policy a step passes exactly when it passes both `a` and `b`: blocked lists
 * are united, allowed lists intersected (a list present on one side only is kept), `require*`
 * flags or-ed, and a value one side blocks is dropped from the other's allowed list (blocked
 * rules are checked first, so it was refused anyway). Distinct reasons are joined with `; `;
 * `retryAfterMs` is the longer of the two. Names keep the spelling of their first occurrence.
 *
 * Throws `IR_INVALID_POLICY` (`details.field` names the list) when an allowed list would end up
 * empty: "admit none of these" is not expressible, and dropping the list would widen the policy.
 *
 * @example
 * ```ts
 * import { narrowAdmission } from "@ordo/sdk";
 *
 * narrowAdmission(
 *   { allowedProviders: ["openai", "mistral"], reason: "approved vendors" },
 *   { blockedProviders: ["openai"], requireProvider: true, reason: "outage" },
 * );
 * // => { allowedProviders: ["mistral"], blockedProviders: ["openai"], requireProvider: true,
 * //      reason: "approved vendors; outage" }
 * ```
 */
export function narrowAdmission(a: AdmissionPolicy, b: AdmissionPolicy): AdmissionPolicy {
  const out: Mutable = { ...a, ...b };
  for (const [allowedField, blockedField] of LIST_PAIRS) {
    const blocked = union(a[blockedField], b[blockedField]);
    if (blocked !== undefined) out[blockedField] = blocked;
    const allowed = intersect(a[allowedField], b[allowedField])?.filter(
      (name) => !contains(blocked ?? [], name),
    );
    if (allowed === undefined) continue;
    if (allowed.length === 0) {
      throw new OrdoError(
        "IR_INVALID_POLICY",
        `admission: ${allowedField} would admit nothing once both policies apply (allowed ${show(a[allowedField])} and ${show(b[allowedField])}, blocked ${show(blocked)}); drop a value from a blocked list or widen an allowed one`,
        { details: { field: allowedField } },
      );
    }
    out[allowedField] = allowed;
  }
  for (const flag of FLAGS) if (a[flag] === true || b[flag] === true) out[flag] = true;
  const reasons = [a.reason, b.reason].flatMap((r) => (r === undefined ? [] : r.split("; ")));
  if (reasons.length > 0) out.reason = [...new Set(reasons)].join("; ");
  if (a.retryAfterMs !== undefined && b.retryAfterMs !== undefined) {
    out.retryAfterMs = Math.max(a.retryAfterMs, b.retryAfterMs);
  }
  return out;
}

function union(
  a: readonly string[] | undefined,
  b: readonly string[] | undefined,
): string[] | undefined {
  if (a === undefined && b === undefined) return undefined;
  const out: string[] = [];
  for (const name of [...(a ?? []), ...(b ?? [])]) if (!contains(out, name)) out.push(name);
  return out;
}

function intersect(
  a: readonly string[] | undefined,
  b: readonly string[] | undefined,
): string[] | undefined {
  if (a === undefined) return b === undefined ? undefined : [...b];
  if (b === undefined) return [...a];
  return a.filter((name) => contains(b, name));
}

function show(list: readonly string[] | undefined): string {
  return list === undefined ? "(none)" : `[${list.join(", ")}]`;
}
