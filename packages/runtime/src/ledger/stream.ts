/**
 * Mapping partition ledger stream entries (compact field names written by `emit` in
 * `lua/includes/base.lua`) to the durable {@link UnchainedLedgerEvent} shape, and stream id math.
 */
import { OrdoError } from "@ordo/core";
import type { UnchainedLedgerEvent } from "../durable/types.js";

/** One decoded stream entry: its stream id and the event it carries (not yet chained). */
export interface StreamLedgerEntry {
  /** Redis stream id `<ms>-<seq>` (order inside the partition). */
  readonly streamId: string;
  readonly event: UnchainedLedgerEvent;
}

/**
 * Stream fields -> event fields. `e`, `q`, `t`, `at` are always written; the rest only when set.
 * `i` (instance), `tr` (trace), `run` (run id) and `o` (outcome) are read when present so the
 * engine can add them without a shipper change.
 */
const OPTIONAL_TEXT = {
  s: "stepId",
  w: "workerId",
  k: "claimToken",
  r: "reason",
  i: "instanceId",
  tr: "traceId",
  run: "runId",
  o: "outcome",
} as const;

/**
 * Decodes one `XRANGE` entry. `pipeline` (the execution's pipeline name, read once per batch)
 * is added for correlation. Throws `INPUT_INVALID` when the entry lacks its execution id, seq or
 * type, or when `d` is not a JSON object: such an entry cannot be placed in any chain.
 *
 * @example
 * ```ts
 * const { event } = decodeStreamEntry("1700000000000-0", ["e", "e1", "q", "1", "t", "execution.created", "at", "1700000000000"]);
 * event.category; // "execution"
 * ```
 */
export function decodeStreamEntry(
  streamId: string,
  fields: readonly string[],
  pipeline?: string,
): StreamLedgerEntry {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  const executionId = f.get("e");
  const seq = Number(f.get("q"));
  const type = f.get("t");
  if (!executionId || !Number.isInteger(seq) || seq < 1 || !type) {
    throw new OrdoError("INPUT_INVALID", `Ledger stream entry ${streamId} is malformed.`, {
      details: { streamId, fields: [...fields] },
    });
  }
  const event: Record<string, unknown> = {
    executionId,
    seq,
    type,
    category: type.split(".")[0]!,
    at: Number(f.get("at") ?? 0),
  };
  for (const [field, name] of Object.entries(OPTIONAL_TEXT)) {
    const value = f.get(field);
    if (value !== undefined && value !== "") event[name] = value;
  }
  const attempt = f.get("a");
  if (attempt !== undefined) event.attempt = Number(attempt);
  if (pipeline) event.pipeline = pipeline;
  const data = f.get("d");
  if (data !== undefined) event.data = parseData(streamId, data);
  return { streamId, event: event as unknown as UnchainedLedgerEvent };
}

function parseData(streamId: string, text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new OrdoError("INPUT_INVALID", `Ledger stream entry ${streamId} has invalid data JSON.`, {
      cause,
      details: { streamId },
    });
  }
  // Lua writes `{}`-shaped JSON; anything else is wrapped so it still ships.
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { value: parsed };
  }
  return parsed as Record<string, unknown>;
}

/** True for `execution.completed|failed|cancelled`: the event that finalizes an execution. */
export function isTerminalEvent(type: string): boolean {
  return (
    type === "execution.completed" || type === "execution.failed" || type === "execution.cancelled"
  );
}
