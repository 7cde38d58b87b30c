import { callScript } from "../hot/call-script.js";
import type { HotStore } from "../hot/hot-store.js";
import type { PartitionKeys } from "../hot/keys.js";

async function call(
  hot: HotStore,
  name: "listFinished" | "evictExecution",
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown[]> {
  return callScript(hot, name, keys, args);
}

/** A finished execution in hot state. */
export interface FinishedExecution {
  readonly executionId: string;
  /** Epoch ms (Redis clock). */
  readonly finishedAt: number;
}

/** One page of the partition's finished executions, oldest first. */
export async function listFinished(
  hot: HotStore,
  keys: PartitionKeys,
  a: { before: number; offset: number; limit: number },
): Promise<FinishedExecution[]> {
  const reply = await call(hot, "listFinished", [keys.byName.fin], [a.before, a.offset, a.limit]);
  const flat = reply[1] as string[];
  const page: FinishedExecution[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    page.push({ executionId: String(flat[i]), finishedAt: Number(flat[i + 1]) });
  }
  return page;
}

/** Outcome of {@link evictFromHot}. */
export type EvictOutcome =
  | { readonly ok: true; readonly steps: number }
  | { readonly ok: false; readonly reason: "not_found" | "running" | "not_shipped" };

/** evictExecution.lua: evict or compact one terminal, fully shipped execution. */
export async function evictFromHot(
  hot: HotStore,
  keys: PartitionKeys,
  a: { executionId: string; mode: "evict" | "compact"; shippedSeq: number; reason: string },
): Promise<EvictOutcome> {
  const reply = await call(hot, "evictExecution", keys.all, [
    a.executionId,
    a.mode,
    a.shippedSeq,
    a.reason,
  ]);
  if (reply[0] === "OK") return { ok: true, steps: Number(reply[1]) };
  if (reply[0] === "NOT_SHIPPED") return { ok: false, reason: "not_shipped" };
  if (reply[0] === "WRONG_STATE") return { ok: false, reason: "running" };
  return { ok: false, reason: "not_found" };
}
