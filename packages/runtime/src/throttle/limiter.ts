import type { AdmissionRefusal } from "@ordo/core";
import { callScript } from "../hot/call-script.js";
import { type Connection, openHotStore } from "../hot/connection.js";
import type { HotStore, ScriptName } from "../hot/hot-store.js";
import { DEFAULT_PREFIX } from "../hot/keys.js";
import type { LimitPlan } from "./plan.js";

/** Leases and reservations one attempt holds; give it back with {@link Limiter.release}. */
export interface LimitGrant {
  /** `<exec>|<step>|<token>`: unique per claim, so a late release never frees a newer claim's lease. */
  readonly leaseId: string;
  readonly plan: LimitPlan;
  /** Window start (ms) of each rate reservation, in `plan.rates` order. */
  readonly windows: readonly string[];
}

/** Why an attempt may not run yet. */
export interface LimitDenial {
  /** `policy`: the deployment's admission policy refused the step (ledger `policy.denied`). */
  readonly kind: "blocked" | "concurrency" | "rate" | "policy";
  /** Limit name (`provider:openai`), rate id, blocked name, or admission rule (`blockedProviders`). */
  readonly name: string;
  readonly current: number;
  readonly limit: number;
  /** Milliseconds to wait before the step is offered again. */
  readonly retryAfterMs: number;
  /** Readable sentence for the ledger and logs. */
  readonly reason: string;
  /** Kind `policy` only: the rule, the step's value and the policy's reason. */
  readonly refusal?: AdmissionRefusal;
}

/** Units an attempt really used, to reconcile its reservations (e.g. `llm.usage`). */
export interface LimitUsage {
  readonly tokens?: number;
}

function reasonOf(kind: LimitDenial["kind"], name: string, n: number, limit: number, ms: number) {
  if (kind === "blocked") return `${name} is blocked after a 429 for ${ms} ms more`;
  if (kind === "rate")
    return `Rate limit ${name} reached (${n} of ${limit} used); retry in ${ms} ms`;
  return `Concurrency limit reached for ${name} (${n} of ${limit} running); retry in ${ms} ms`;
}

/**
 * The limits store of one deployment (`prefix`). Workers use it through their throttle gate;
 * operators and tests can use it directly.
 *
 * @example
 * ```ts
 * import { Limiter } from "@ordo/runtime";
 * const limiter = Limiter.connect("redis://localhost:6379"); // prefix "ordo"
 * const plan = { concurrency: [{ name: "provider:openai", limit: 3, retryAfterMs: 250 }], rates: [], blockable: [] };
 * const got = await limiter.acquire(plan, "e1|answer|7", 30_000);
 * if ("grant" in got) await limiter.release(got.grant);
 * else console.log(got.denial.reason); // Concurrency limit reached for provider:openai (3 of 3 running); ...
 * await limiter.close();
 * ```
 */
export class Limiter {
  private readonly store: HotStore;
  private readonly tag: string;

  private readonly owned: boolean;

  constructor(store: HotStore, prefix: string, owned = false) {
    this.store = store;
    this.tag = `{${prefix}:limits}`;
    this.owned = owned;
  }

  /** A limiter on its own connection (closed by {@link Limiter.close}). */
  static connect(connection: Connection, prefix = DEFAULT_PREFIX): Limiter {
    return new Limiter(openHotStore(connection), prefix, true);
  }

  /** Closes the connection if {@link Limiter.connect} opened it. */
  async close(): Promise<void> {
    if (this.owned) await this.store.close();
  }

  /** Key of the lease set of a concurrency limit (`provider:openai` -> `{p:limits}:c:provider:openai`). */
  leaseKey(name: string): string {
    return `${this.tag}:c:${name}`;
  }

  /** Key of the waiters of a concurrency limit (steps denied by it, woken on release). */
  waitKey(name: string): string {
    return `${this.tag}:w:${name}`;
  }

  private get blockedKey(): string {
    return `${this.tag}:blocked`;
  }

  private get rateKey(): string {
    return `${this.tag}:rate`;
  }

  private async run(name: ScriptName, keys: string[], args: (string | number)[]) {
    return callScript(this.store, name, keys, args);
  }

  /**
   * Takes every lease and reservation of `plan`, or none. When a concurrency limit is full,
   * `waiterId` (`<partition>|<exec>|<step>`) joins its waiters, so a release can wake the step.
   */
  async acquire(
    plan: LimitPlan,
    leaseId: string,
    leaseMs: number,
    waiterId = "",
  ): Promise<{ grant: LimitGrant } | { denial: LimitDenial }> {
    const keys = [
      this.blockedKey,
      this.rateKey,
      ...plan.concurrency.map((c) => this.leaseKey(c.name)),
      ...plan.concurrency.map((c) => this.waitKey(c.name)),
    ];
    const args: (string | number)[] = [leaseId, leaseMs, plan.concurrency.length];
    for (const c of plan.concurrency) args.push(c.limit);
    args.push(plan.rates.length);
    for (const r of plan.rates) args.push(r.id, r.limit, r.windowMs, r.reserve);
    args.push(plan.blockable.length, ...plan.blockable, waiterId);
    const reply = await this.run("acquireLimits", keys, args);
    if (reply[0] === "OK") {
      return { grant: { leaseId, plan, windows: (reply[1] as unknown[]).map(String) } };
    }
    const kind = String(reply[1]) as LimitDenial["kind"];
    const raw = String(reply[2]);
    const name = kind === "concurrency" ? raw.slice(this.leaseKey("").length) : raw;
    const current = Number(reply[3]);
    const limit = Number(reply[4]);
    const configured = plan.concurrency.find((c) => c.name === name)?.retryAfterMs;
    const retryAfterMs = Math.max(1, Number(reply[5]) || configured || 250);
    return {
      denial: {
        kind,
        name,
        current,
        limit,
        retryAfterMs,
        reason: reasonOf(kind, name, current, limit, retryAfterMs),
      },
    };
  }

  /**
   * Frees the grant's leases and reconciles token reservations with `usage`. Idempotent. Returns
   * the waiters to wake (the oldest waiter of each freed limit).
   */
  async release(grant: LimitGrant, usage: LimitUsage = {}): Promise<string[]> {
    const keys = [
      this.rateKey,
      ...grant.plan.concurrency.map((c) => this.leaseKey(c.name)),
      ...grant.plan.concurrency.map((c) => this.waitKey(c.name)),
    ];
    const args: (string | number)[] = [grant.leaseId];
    const fixes: (string | number)[] = [];
    grant.plan.rates.forEach((r, i) => {
      if (r.unit !== "tokens" || usage.tokens === undefined) return;
      const delta = Math.round(usage.tokens) - r.reserve;
      if (delta !== 0) fixes.push(r.id, grant.windows[i] ?? "0", delta);
    });
    args.push(fixes.length / 3, ...fixes);
    if (keys.length === 1 && fixes.length === 0) return [];
    const reply = await this.run("releaseLimits", keys, args);
    return ((reply[2] ?? []) as unknown[]).map(String);
  }

  /** Extends the grant's leases to `leaseMs` from now (with the step's heartbeat). */
  async renew(grant: LimitGrant, leaseMs: number): Promise<void> {
    if (grant.plan.concurrency.length === 0) return;
    const keys = grant.plan.concurrency.map((c) => this.leaseKey(c.name));
    await this.run("renewLimits", keys, [grant.leaseId, leaseMs]);
  }

  /** Blocks `name` (`provider:<p>`) for `ms`: every step of it waits, not only the one that saw a 429. */
  async block(name: string, ms: number): Promise<number> {
    const reply = await this.run(
      "blockLimit",
      [this.blockedKey],
      [name, Math.max(0, Math.floor(ms))],
    );
    return Number(reply[1]);
  }
}
