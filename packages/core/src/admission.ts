/**
 * Evaluation of an {@link AdmissionPolicy} against a step's provider, model and operation. Pure:
 * the validator uses it on the IR's own policies (a violation is `IR_ADMISSION_DENIED` at compile
 * time) and the runtime on the deployment-wide policy an operator sets (a denied step waits).
 */
import type { AdmissionPolicy } from "./policies.js";

/** What an admission policy looks at: the step's metadata values (absent = the step has none). */
export interface AdmissionSubject {
  readonly provider?: string | undefined;
  /** `provider:model` (see {@link admissionSubjectOf}). */
  readonly model?: string | undefined;
  readonly operation?: string | undefined;
}

/** The policy field that refused a step. */
export type AdmissionRule =
  | "blockedProviders"
  | "blockedModels"
  | "blockedOperations"
  | "requireProvider"
  | "requireModel"
  | "requireOperation"
  | "allowedProviders"
  | "allowedModels"
  | "allowedOperations";

/** Why a step is refused. */
export interface AdmissionRefusal {
  readonly rule: AdmissionRule;
  /** What was checked: `provider`, `model` or `operation`. */
  readonly subject: "provider" | "model" | "operation";
  /** The step's value; undefined for a `require*` rule (the step has none). */
  readonly value: string | undefined;
  /** The policy's `reason`, if it gives one. */
  readonly reason: string | undefined;
  /** A sentence without the reason, e.g. `provider openai blocked`. */
  readonly message: string;
}

const norm = (value: string) => value.trim().toLowerCase();

function listHas(list: readonly string[], value: string, models: boolean): boolean {
  const wanted = norm(value);
  return list.some((entry) => {
    const e = norm(entry);
    if (e === wanted) return true;
    // `provider:*` covers every model of the provider.
    return models && e.endsWith(":*") && wanted.startsWith(e.slice(0, -1));
  });
}

type Subject = AdmissionRefusal["subject"];
const FIELDS: readonly {
  readonly subject: Subject;
  readonly blocked: AdmissionRule & keyof AdmissionPolicy;
  readonly require: AdmissionRule & keyof AdmissionPolicy;
  readonly allowed: AdmissionRule & keyof AdmissionPolicy;
}[] = [
  {
    subject: "provider",
    blocked: "blockedProviders",
    require: "requireProvider",
    allowed: "allowedProviders",
  },
  { subject: "model", blocked: "blockedModels", require: "requireModel", allowed: "allowedModels" },
  {
    subject: "operation",
    blocked: "blockedOperations",
    require: "requireOperation",
    allowed: "allowedOperations",
  },
];

/**
 * The first rule of `policy` that refuses `subject`, or undefined when it is admitted. Order:
 * for provider, then model, then operation: blocked list, `require*`, allowed list. Names match
 * trimmed and case-insensitively; `provider:*` in a model list covers every model of a provider.
 * An allowed list does not apply to a step without that value (use `require*` for that).
 *
 * @example
 * ```ts
 * import { evaluateAdmission } from "@ordo/core";
 * evaluateAdmission({ blockedProviders: ["openai"], reason: "outage" }, { provider: "OpenAI" });
 * // => { rule: "blockedProviders", subject: "provider", value: "OpenAI", reason: "outage",
 * //      message: "provider OpenAI blocked" }
 * evaluateAdmission({ allowedModels: ["anthropic:*"] }, { provider: "anthropic", model: "anthropic:claude" });
 * // => undefined
 * ```
 */
export function evaluateAdmission(
  policy: AdmissionPolicy,
  subject: AdmissionSubject,
): AdmissionRefusal | undefined {
  for (const f of FIELDS) {
    const value = subject[f.subject];
    const models = f.subject === "model";
    const refuse = (rule: AdmissionRule, message: string): AdmissionRefusal => ({
      rule,
      subject: f.subject,
      value,
      reason: policy.reason,
      message,
    });
    const blocked = policy[f.blocked] as readonly string[] | undefined;
    if (value !== undefined && blocked !== undefined && listHas(blocked, value, models)) {
      return refuse(f.blocked, `${f.subject} ${value} blocked`);
    }
    if (value === undefined) {
      if (policy[f.require] === true)
        return refuse(f.require, `${f.subject} required, step has none`);
      continue;
    }
    const allowed = policy[f.allowed] as readonly string[] | undefined;
    if (allowed !== undefined && !listHas(allowed, value, models)) {
      return refuse(f.allowed, `${f.subject} ${value} not allowed`);
    }
  }
  return undefined;
}

/**
 * A step's admission values from its metadata. The model is keyed `provider:model` (as written in
 * `allowedModels`/`blockedModels`), or the model alone when it contains `:` already or the step
 * names no provider; this is also the key of model-scoped limits.
 *
 * @example
 * ```ts
 * import { admissionSubjectOf } from "@ordo/core";
 * admissionSubjectOf({ provider: "openai", model: "gpt-4.1" });
 * // => { provider: "openai", model: "openai:gpt-4.1", operation: undefined }
 * ```
 */
export function admissionSubjectOf(metadata: {
  readonly provider?: string | undefined;
  readonly model?: string | undefined;
  readonly operation?: string | undefined;
}): AdmissionSubject {
  const { provider, model, operation } = metadata;
  const keyed =
    model === undefined || provider === undefined || model.includes(":")
      ? model
      : `${provider}:${model}`;
  return { provider, model: keyed, operation };
}

/**
 * One line for logs and the ledger: the refusal's message, its reason in parentheses.
 *
 * @example
 * ```ts
 * describeRefusal({ rule: "blockedProviders", subject: "provider", value: "openai", reason: "outage", message: "provider openai blocked" });
 * // => "provider openai blocked (outage)"
 * ```
 */
export function describeRefusal(refusal: AdmissionRefusal): string {
  return refusal.reason === undefined ? refusal.message : `${refusal.message} (${refusal.reason})`;
}
