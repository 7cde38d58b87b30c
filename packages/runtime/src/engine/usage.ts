/**
 * Usage a plugin reports during one attempt through `ctx.emit("llm.usage", {...})`, summed so the
 * `step.completed` ledger event records what the attempt consumed (tokens, cost, calls). The
 * ledger is the audit trail, so cost lives there and not only in metrics.
 */
import { canonicalJson, type JsonValue } from "@ordo/core";

/** Numeric fields summed across `llm.usage` events; everything else is ignored. */
const SUMMED = ["inputTokens", "outputTokens", "totalTokens", "costUsd"] as const;

/** Sums the `llm.usage` events of one attempt. */
export class UsageTally {
  private readonly totals: Record<string, number> = {};
  private calls = 0;
  private readonly models = new Set<string>();

  /** Records one plugin event; only `llm.usage` objects count. */
  add(type: string, data: JsonValue): void {
    if (type !== "llm.usage" || data === null || typeof data !== "object" || Array.isArray(data)) {
      return;
    }
    this.calls += 1;
    for (const field of SUMMED) {
      const value = data[field];
      if (typeof value === "number" && Number.isFinite(value)) {
        this.totals[field] = (this.totals[field] ?? 0) + value;
      }
    }
    const { provider, model } = data;
    if (typeof model === "string") {
      this.models.add(typeof provider === "string" ? `${provider}:${model}` : model);
    }
  }

  /**
   * Canonical JSON of the totals, or `undefined` when nothing was reported.
   *
   * @example
   * ```ts
   * const tally = new UsageTally();
   * tally.add("llm.usage", { provider: "openai", model: "m", inputTokens: 10, outputTokens: 2 });
   * tally.toJson(); // '{"calls":1,"inputTokens":10,"models":["openai:m"],"outputTokens":2}'
   * ```
   */
  toJson(): string | undefined {
    if (this.calls === 0) return undefined;
    const costUsd = this.totals.costUsd;
    return canonicalJson({
      ...this.totals,
      // Cost in USD rounded to 1e-9 so the ledger text is stable across float summation order.
      ...(costUsd === undefined ? {} : { costUsd: Math.round(costUsd * 1e9) / 1e9 }),
      calls: this.calls,
      models: [...this.models].sort(),
    });
  }
}
