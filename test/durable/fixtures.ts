/**
 * Shared fixtures of the durable-store contract suite: event chains, snapshots, error codes.
 */
import { randomBytes } from "node:crypto";
import { isOrdoError, sha256Hex } from "@ordo/core";
import {
  chainEvents,
  type DurableStore,
  type DurableStoreOptions,
  type ExecutionSnapshot,
  GENESIS_HASH,
  type LedgerEvent,
  type UnchainedLedgerEvent,
} from "../../packages/runtime/src/durable/index.js";

/** Opens a new, empty store. Options are passed through to the backend factory. */
export type OpenStore = (options?: DurableStoreOptions) => Promise<DurableStore>;

/** Unchained events `from..from+count-1` of one execution, alternating categories and steps. */
export function rawEvents(executionId: string, count: number, from = 1): UnchainedLedgerEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = from + i;
    const category = seq % 3 === 0 ? "claim" : "step";
    return {
      executionId,
      seq,
      type: `${category}.${seq % 2 === 0 ? "completed" : "started"}`,
      category,
      at: 1_700_000_000_000 + seq,
      stepId: `s${seq % 4}`,
      data: { seq, note: "données ✓", nested: { b: [1, 2.5, null], a: true } },
    };
  });
}

/** A full chain of `count` events for `executionId`. */
export function chain(executionId: string, count: number): LedgerEvent[] {
  return chainEvents(GENESIS_HASH, rawEvents(executionId, count));
}

/** Resolve to the `OrdoError` code a promise rejects with (fails the test if it resolves). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isOrdoError(error) ? error.code : `not an OrdoError: ${String(error)}`;
  }
  throw new Error("expected the promise to reject");
}

/** A snapshot of `executionId` with two steps. */
export function snapshotOf(
  executionId: string,
  over: Partial<ExecutionSnapshot> = {},
): ExecutionSnapshot {
  return {
    executionId,
    pipeline: "rag",
    pipelineVersion: "1.0.0",
    status: "running",
    definitionFingerprint: sha256Hex("definition"),
    executionFingerprint: null,
    ledgerHead: null,
    createdAt: 1_700_000_000_000,
    completedAt: null,
    ir: { ordo: 1, steps: [{ id: "a", $ref: "x.y", "dotted.key": 1 }] },
    input: { question: "why?", nested: [1, { deep: null }] },
    steps: {
      a: { status: "completed", attempt: 1, output: { text: "ok" } },
      b: { status: "ready", attempt: 0 },
    },
    ...over,
  };
}

/** Random bytes with NUL bytes at both ends and in the middle. */
export function binaryWithNuls(size: number): Buffer {
  const bytes = randomBytes(size);
  bytes[0] = 0;
  bytes[Math.floor(size / 2)] = 0;
  bytes[size - 1] = 0;
  return bytes;
}
