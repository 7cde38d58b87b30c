/**
 * The deployment-wide admission policy: the operator's lever during an incident ("block openai
 * for now") or for compliance ("only EU providers"). One policy per deployment (key prefix),
 * stored in the control plane's `meta` hash (`{<prefix>:ctl}:meta`, field `admission`) and set or
 * cleared by `lua/admissionPolicy.lua`, which also records `admission.policy_set|cleared` in the
 * control event stream.
 *
 * Workers read it through an {@link AdmissionPolicyCache} (at most one read per `ttlMs`, default
 * 1 000) before a claimed step takes any limit; a refused step is deferred like a throttled one
 * (ledger `policy.denied`, attempt not spent) and offered again after the policy's
 * `retryAfterMs` (default 1 000), so clearing the policy lets it run on its next retry.
 *
 * Not to be confused with run admission (`control.admit`, docs/concepts/admission.md), which
 * decides which runtime instance takes a queued run.
 */
import {
  type AdmissionPolicy,
  type AdmissionRefusal,
  admissionPolicySchema,
  describeRefusal,
  OrdoError,
  POLICY_DEFAULTS,
} from "@ordo/core";
import { controlKeys } from "../control/keys.js";
import { callScript } from "../hot/call-script.js";
import type { HotStore } from "../hot/hot-store.js";
import type { LimitDenial } from "./limiter.js";

/** The stored policy with who set it, when, and a version bumped on every change. */
export interface AdmissionPolicyRecord {
  readonly policy: AdmissionPolicy;
  /** Who set it (`cli`, `http`, a user name...). */
  readonly setBy: string;
  /** Redis clock, ms since the epoch. */
  readonly setAt: number;
  /** Bumped by every set or clear; lets a UI tell one policy from the next. */
  readonly version: number;
}

/** Options of {@link AdmissionPolicies.set} and {@link AdmissionPolicies.clear}. */
export interface AdmissionPolicyChange {
  /** Recorded with the policy and in the control event. Default `api`. */
  readonly requestedBy?: string;
}

const RULE_FIELDS = [
  "allowedProviders",
  "blockedProviders",
  "requireProvider",
  "allowedModels",
  "blockedModels",
  "requireModel",
  "allowedOperations",
  "blockedOperations",
  "requireOperation",
] as const;

/**
 * Checks a policy from an API body, a CLI or a file: the IR's strict admission schema, plus at
 * least one rule (an empty policy admits everything: clear it instead).
 *
 * @throws OrdoError `IR_UNKNOWN_POLICY_FIELD` (misspelt field) or `IR_INVALID_POLICY`, with
 *   `details.issues`.
 *
 * @example
 * ```ts
 * import { parseAdmissionPolicy } from "@ordo/runtime";
 * parseAdmissionPolicy({ blockedProviders: ["openai"], reason: "outage", retryAfterMs: 5000 });
 * ```
 */
export function parseAdmissionPolicy(input: unknown): AdmissionPolicy {
  const parsed = admissionPolicySchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join("."),
      message: i.message,
    }));
    const unknown = parsed.error.issues.some((i) => i.code === "unrecognized_keys");
    const first = issues[0];
    throw new OrdoError(
      unknown ? "IR_UNKNOWN_POLICY_FIELD" : "IR_INVALID_POLICY",
      `Invalid admission policy: ${first?.message ?? "invalid"}${first?.path ? ` at '${first.path}'` : ""}.`,
      { details: { issues } },
    );
  }
  if (!RULE_FIELDS.some((field) => parsed.data[field] !== undefined)) {
    throw new OrdoError(
      "IR_INVALID_POLICY",
      `An admission policy needs at least one rule (${RULE_FIELDS.join(", ")}); to admit everything, clear the policy.`,
    );
  }
  return parsed.data;
}

/**
 * Read, set and clear the deployment's admission policy. The control plane exposes it as
 * `control.admissionPolicy`; operators and tests can also use it directly.
 *
 * @example
 * ```ts
 * import { AdmissionPolicies } from "@ordo/runtime";
 * const policies = new AdmissionPolicies(store, "ordo");
 * await policies.set({ blockedProviders: ["openai"], reason: "outage", retryAfterMs: 5000 });
 * (await policies.get())?.policy.blockedProviders; // ["openai"]
 * await policies.clear(); // true: steps of openai run on their next retry
 * ```
 */
export class AdmissionPolicies {
  private readonly store: HotStore;
  private readonly keys: ReturnType<typeof controlKeys>;

  constructor(store: HotStore, prefix: string) {
    this.store = store;
    this.keys = controlKeys(prefix);
  }

  /** The current policy, or undefined when none is set. */
  async get(): Promise<AdmissionPolicyRecord | undefined> {
    const [json, at, version] = await this.store.hmget(this.keys.byName.meta, [
      "admission",
      "admissionAt",
      "admissionVer",
    ]);
    if (json === null || json === undefined) return undefined;
    const stored = JSON.parse(json) as { policy: AdmissionPolicy; setBy?: string };
    return {
      policy: stored.policy,
      setBy: stored.setBy ?? "api",
      setAt: Number(at ?? 0),
      version: Number(version ?? 0),
    };
  }

  /**
   * Replaces the policy (validated by {@link parseAdmissionPolicy}); workers apply it within their
   * cache time (default 1 s). Returns the stored record.
   */
  async set(policy: unknown, change: AdmissionPolicyChange = {}): Promise<AdmissionPolicyRecord> {
    const checked = parseAdmissionPolicy(policy);
    const setBy = change.requestedBy ?? "api";
    const json = JSON.stringify({ policy: checked, setBy });
    const reply = await callScript(this.store, "admissionPolicy", this.keys.all, [
      json,
      checked.reason ?? "",
      setBy,
    ]);
    return { policy: checked, setBy, version: Number(reply[2]), setAt: Number(reply[3]) };
  }

  /** Removes the policy; true when one was set. Waiting steps run on their next retry. */
  async clear(change: AdmissionPolicyChange = {}): Promise<boolean> {
    const by = change.requestedBy ?? "api";
    const reply = await callScript(this.store, "admissionPolicy", this.keys.all, ["", "", by]);
    return Number(reply[1]) === 1;
  }
}

/**
 * A worker's view of the policy: read at most once per `ttlMs` (concurrent callers share one
 * read), so a change takes effect within about `ttlMs` without a Redis read per step. `ttlMs: 0`
 * reads on every call. A failed read throws (the store is then unreachable for claims too).
 */
export class AdmissionPolicyCache {
  private readonly read: () => Promise<AdmissionPolicy | undefined>;
  private readonly ttlMs: number;
  private value: AdmissionPolicy | undefined;
  private readAt = Number.NEGATIVE_INFINITY;
  private pending: Promise<AdmissionPolicy | undefined> | undefined;

  constructor(read: () => Promise<AdmissionPolicy | undefined>, ttlMs = 1_000) {
    this.read = read;
    this.ttlMs = Math.max(0, ttlMs);
  }

  /**
   * Starts the first read now, so the first claimed step does not wait for it (a failure is
   * retried by the next {@link current} call).
   */
  prefetch(): void {
    this.current().catch(() => undefined);
  }

  /** The policy in force (possibly up to `ttlMs` old), or undefined when none is set. */
  current(): Promise<AdmissionPolicy | undefined> {
    if (Date.now() - this.readAt < this.ttlMs) return Promise.resolve(this.value);
    this.pending ??= this.read()
      .then((value) => {
        this.value = value;
        this.readAt = Date.now();
        return value;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}

/**
 * The denial a worker records for a refused step (`kind: "policy"`, ledger `policy.denied`).
 *
 * @example
 * ```ts
 * policyDenial({ rule: "blockedProviders", subject: "provider", value: "openai", reason: "outage",
 *   message: "provider openai blocked" }, 5000).reason;
 * // => "provider openai blocked (outage); retry in 5000 ms"
 * ```
 */
export function policyDenial(refusal: AdmissionRefusal, retryAfterMs?: number): LimitDenial {
  const ms = Math.max(1, retryAfterMs ?? POLICY_DEFAULTS.admissionRetryAfterMs);
  return {
    kind: "policy",
    name: refusal.rule,
    current: 0,
    limit: 0,
    retryAfterMs: ms,
    reason: `${describeRefusal(refusal)}; retry in ${ms} ms`,
    refusal,
  };
}
