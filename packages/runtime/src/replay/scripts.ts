/**
 * Typed wrappers of `lua/restoreExecution.lua` and `lua/forkExecution.lua`.
 */
import { OrdoError } from "@ordo/core";
import type { PreparedDefinition } from "../engine/definition.js";
import { callScript } from "../hot/call-script.js";
import type { HotStore } from "../hot/hot-store.js";
import type { PartitionKeys } from "../hot/keys.js";
import { definitionArgs } from "../hot/scripts.js";

async function run(
  hot: HotStore,
  name: "restoreExecution" | "forkExecution",
  keys: PartitionKeys,
  args: readonly (string | number)[],
  executionId: string,
): Promise<unknown[]> {
  const reply = await callScript(hot, name, keys.all, args, { executionId });
  if (reply[0] === "EXECUTION_EXISTS") {
    throw new OrdoError(
      "EXECUTION_EXISTS",
      `Execution '${executionId}' already exists in hot state (status ${String(reply[1])}).`,
      { details: { executionId, status: String(reply[1]) } },
    );
  }
  return reply;
}

/** One recorded step written back to hot state. */
export interface RestoredStep {
  readonly id: string;
  readonly status: string;
  readonly attempt: number;
  readonly recoveries: number;
  /** Output JSON text, or "" for none. */
  readonly outputJson: string;
  /** Error JSON text, or "" for none. */
  readonly errorJson: string;
}

/** Arguments of {@link runRestoreScript}. */
export interface RestoreArgs {
  readonly executionId: string;
  readonly definition: PreparedDefinition;
  readonly inputJson: string;
  readonly status: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly fingerprint: string;
  readonly ledgerSeq: number;
  readonly bad: number;
  readonly cancelled: boolean;
  readonly steps: readonly RestoredStep[];
}

/** restoreExecution.lua: returns the stream id of the `snapshot.restored` event. */
export async function runRestoreScript(
  hot: HotStore,
  keys: PartitionKeys,
  a: RestoreArgs,
): Promise<string> {
  const args: (string | number)[] = [
    a.executionId,
    a.definition.fingerprint,
    a.inputJson,
    a.definition.ir.name,
    a.status,
    a.startedAt,
    a.finishedAt,
    a.fingerprint,
    a.ledgerSeq,
    a.bad,
    a.cancelled ? "1" : "0",
    a.steps.length,
  ];
  for (const s of a.steps) {
    args.push(s.id, s.status, s.attempt, s.recoveries, s.outputJson, s.errorJson);
  }
  args.push(...definitionArgs(a.definition));
  const reply = await run(hot, "restoreExecution", keys, args, a.executionId);
  return String(reply[1]);
}

/** Arguments of {@link runForkScript}. */
export interface ForkArgs {
  readonly executionId: string;
  readonly definition: PreparedDefinition;
  readonly inputJson: string;
  readonly sourceId: string;
  readonly fromStep: string;
  /** Steps created completed, with their recorded output JSON text. */
  readonly reused: readonly { readonly id: string; readonly outputJson: string }[];
}

/** forkExecution.lua: returns the first stream id and how many steps it made ready. */
export async function runForkScript(
  hot: HotStore,
  keys: PartitionKeys,
  a: ForkArgs,
): Promise<{ firstEventId: string; ready: number }> {
  const args: (string | number)[] = [
    a.executionId,
    a.definition.fingerprint,
    a.inputJson,
    a.definition.ir.name,
    a.sourceId,
    a.fromStep,
    a.reused.length,
  ];
  for (const r of a.reused) args.push(r.id, r.outputJson);
  args.push(...definitionArgs(a.definition));
  const reply = await run(hot, "forkExecution", keys, args, a.executionId);
  return { firstEventId: String(reply[1]), ready: Number(reply[2]) };
}
