/**
 * Progress events: what a step reports while it runs (`ctx.emit("llm.delta", ...)`), kept in a
 * capped per-partition stream `{<prefix>:<p>}:progress` next to the ledger stream. They are not
 * ledger events (no seq, no hash chain, never shipped): high volume, ephemeral, fenced by the
 * attempt's claim token (see `lua/emitProgress.lua`).
 */
import { callScript } from "./call-script.js";
import type { HotStore } from "./hot-store.js";
import type { PartitionKeys } from "./keys.js";

/**
 * Default cap of one partition's progress stream, in entries (approximate: `XTRIM MAXLEN ~`).
 * At 64 events per flush this holds the last ~150 flushes of the partition; a follower that falls
 * further behind misses the trimmed entries (the ledger is unaffected).
 */
export const DEFAULT_PROGRESS_CAP = 10_000;

/**
 * One progress event of a running step attempt, as a follower sees it with `progress: true`.
 *
 * @example
 * ```ts
 * for await (const event of run.events({ progress: true })) {
 *   if (event.kind === "progress" && event.type === "llm.delta") {
 *     process.stdout.write(String((event.data as { text: string }).text));
 *   }
 * }
 * ```
 */
export interface ProgressEvent {
  readonly kind: "progress";
  /** Stream id in the partition's progress stream (not comparable with ledger seqs). */
  readonly id: string;
  readonly executionId: string;
  readonly stepId: string;
  /** 1-based attempt of the step that emitted it (a lease recovery keeps the attempt). */
  readonly attempt: number;
  /**
   * Claim token of the emitting claim: changes when a lost lease is recovered and the step runs
   * again within the same attempt (as in the `step.claimed` ledger event).
   */
  readonly claimToken: string;
  /** The plugin's event type, e.g. `llm.delta`. */
  readonly type: string;
  /** The plugin's payload (JSON); absent when it emitted none. */
  readonly data?: unknown;
  /** Epoch ms by the Redis clock when the batch was appended (events of one flush share it). */
  readonly ts: number;
  /**
   * The execution's ledger seq when appended: the event happened after ledger event
   * `afterLedgerSeq` and before `afterLedgerSeq + 1`. Followers order the two streams by it.
   */
  readonly afterLedgerSeq: number;
}

/** The progress stream key of a partition (same hash tag as its 16 script keys). */
export function progressStreamKey(keys: PartitionKeys): string {
  // `byName.x` is `{<prefix>:<p>}:x`; the tag is everything before the last `:`.
  const x = keys.byName.x;
  return `${x.slice(0, x.lastIndexOf(":"))}:progress`;
}

/** Decodes one progress stream entry (`[id, [field, value, ...]]`). */
export function decodeProgressEntry(id: string, fields: readonly string[]): ProgressEvent {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  const data = f.get("d");
  return {
    kind: "progress",
    id,
    executionId: f.get("e") ?? "",
    stepId: f.get("s") ?? "",
    attempt: Number(f.get("a") ?? 1),
    claimToken: f.get("k") ?? "",
    type: f.get("t") ?? "unknown",
    ...(data === undefined ? {} : { data: JSON.parse(data) as unknown }),
    ts: Number(f.get("ts") ?? 0),
    afterLedgerSeq: Number(f.get("q") ?? 0),
  };
}

/** One event to append: type and data (serialised to JSON here). */
export interface ProgressItem {
  readonly type: string;
  readonly data?: unknown;
}

/** Outcome of {@link emitProgress}: appended, or dropped with the script's reason. */
export type EmitProgressResult =
  | { readonly accepted: true; readonly appended: number }
  | {
      readonly accepted: false;
      readonly reason: "STALE_TOKEN" | "EXECUTION_NOT_FOUND" | "STEP_NOT_FOUND";
      /** The step's status when the token was stale (e.g. `pending` after a recovery). */
      readonly status?: string;
    };

/**
 * emitProgress.lua: appends `items` for the attempt holding `token`. A rejection is a result,
 * not an error (the caller drops the batch); a transport failure throws a retryable
 * `SCRIPT_ERROR`.
 *
 * @example
 * ```ts
 * const r = await emitProgress(store, keys, {
 *   executionId, stepId, token, items: [{ type: "llm.delta", data: { text: "Hel" } }],
 * });
 * if (!r.accepted) logger.warn("progress dropped", { reason: r.reason });
 * ```
 */
export async function emitProgress(
  store: HotStore,
  keys: PartitionKeys,
  a: {
    readonly executionId: string;
    readonly stepId: string;
    readonly token: string;
    readonly items: readonly ProgressItem[];
    /** Approximate max entries of the partition's stream [{@link DEFAULT_PROGRESS_CAP}]. */
    readonly cap?: number;
  },
): Promise<EmitProgressResult> {
  const args: (string | number)[] = [
    a.executionId,
    a.stepId,
    a.token,
    a.cap ?? DEFAULT_PROGRESS_CAP,
  ];
  for (const item of a.items) {
    args.push(item.type, item.data === undefined ? "" : (JSON.stringify(item.data) ?? ""));
  }
  const reply = await callScript(
    store,
    "emitProgress",
    [...keys.all, progressStreamKey(keys)],
    args,
    {
      executionId: a.executionId,
      stepId: a.stepId,
    },
  );
  if (reply[0] === "OK") return { accepted: true, appended: Number(reply[1]) };
  const reason = String(reply[0]) as "STALE_TOKEN" | "EXECUTION_NOT_FOUND" | "STEP_NOT_FOUND";
  return {
    accepted: false,
    reason,
    ...(reply[1] === undefined ? {} : { status: String(reply[1]) }),
  };
}
