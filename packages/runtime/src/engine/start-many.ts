/**
 * Batch creation behind `client.startMany`: validate every input, then one createExecutions
 * script call per partition and chunk, so N executions cost about `partitions x chunks` round
 * trips instead of N.
 */
import { randomUUID } from "node:crypto";
import { isOrdoError, type JsonValue, OrdoError, POLICY_DEFAULTS } from "@ordo/core";
import type { HotStore } from "../hot/hot-store.js";
import { EXECUTION_ID_PATTERN, type Keyspace, type PartitionKeys } from "../hot/keys.js";
import { createExecutions } from "../hot/scripts.js";
import { expiresAtFor, retentionPolicyFor } from "../retention/policy.js";
import type { PreparedDefinition } from "./definition.js";
import type { ClientDurableOptions } from "./durable-options.js";
import type { InputValidators } from "./input-schema.js";
import { externalizeJson } from "./payloads.js";

/** Executions per script call at most: bounds one call's time on Redis (each is O(roots)). */
export const START_MANY_CHUNK = 500;

/** Options of `Client.startMany`. */
export interface StartManyOptions {
  /**
   * One execution id per input, same length and order (`[A-Za-z0-9_.:-]{1,128}`, no
   * duplicates); default a random UUID each.
   */
  readonly executionIds?: readonly string[];
}

/** What the client lends the batch path. */
export interface StartManyContext {
  readonly store: HotStore;
  readonly keyspace: Keyspace;
  readonly inputs: InputValidators;
  /** `${partition}:${fingerprint}` known to be stored; grows as partitions store it. */
  readonly storedDefs: Set<string>;
  readonly durable: ClientDurableOptions | undefined;
}

interface Pending {
  readonly executionId: string;
  readonly inputJson: string;
}

/**
 * Creates one execution per input; resolves to their ids in input order. Throws before writing
 * anything on a bad input (`INPUT_INVALID` / `PAYLOAD_TOO_LARGE` with `details.index`) or bad ids
 * (`USAGE`). A failed partition call throws its own code (`EXECUTION_EXISTS`, `SCRIPT_ERROR`, ...)
 * with `details.created`: the ids known to exist (other partitions' calls succeeded).
 */
export async function createMany(
  ctx: StartManyContext,
  def: PreparedDefinition,
  inputs: readonly JsonValue[],
  options: StartManyOptions = {},
): Promise<string[]> {
  const ids = executionIdsFor(inputs.length, options.executionIds);
  const texts = inputs.map((input, index) => validated(ctx, def, input, index));
  const expiresAt = expiresAtFor(
    retentionPolicyFor(ctx.durable?.retention, def.ir.name, def.ir.policies?.retention),
    Date.now(),
  );
  const pending: Pending[] = [];
  for (const [index, json] of texts.entries()) {
    const executionId = ids[index]!;
    const inputJson = await externalizeJson(
      ctx.durable?.store,
      json,
      {
        inlineMaxBytes: ctx.durable?.inlineMaxBytes ?? POLICY_DEFAULTS.inlineMaxBytes,
        maxPayloadBytes: maxPayloadBytes(ctx),
        executionId,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      },
      `input of execution ${executionId}`,
    );
    pending.push({ executionId, inputJson });
  }
  await createGrouped(ctx, def, pending);
  return ids;
}

function maxPayloadBytes(ctx: StartManyContext): number {
  return ctx.durable?.maxPayloadBytes ?? POLICY_DEFAULTS.maxPayloadBytes;
}

/** Explicit ids (checked: count, pattern, duplicates) or fresh UUIDs. */
function executionIdsFor(count: number, given: readonly string[] | undefined): string[] {
  if (given === undefined) return Array.from({ length: count }, () => randomUUID());
  if (given.length !== count) {
    throw new OrdoError(
      "USAGE",
      `startMany: executionIds has ${given.length} ids for ${count} inputs; pass one id per input.`,
    );
  }
  const seen = new Set<string>();
  for (const [index, id] of given.entries()) {
    if (!EXECUTION_ID_PATTERN.test(id)) {
      throw new OrdoError("USAGE", `Execution id '${id}' must match ${EXECUTION_ID_PATTERN}.`, {
        details: { index, executionId: id },
      });
    }
    if (seen.has(id)) {
      throw new OrdoError("USAGE", `startMany: execution id '${id}' appears twice.`, {
        details: { index, executionId: id },
      });
    }
    seen.add(id);
  }
  return [...given];
}

/** Schema, Unicode and size checks of one input; its JSON text. Errors name `index`. */
function validated(
  ctx: StartManyContext,
  def: PreparedDefinition,
  input: JsonValue,
  index: number,
): string {
  try {
    ctx.inputs.check(def, input);
    const json = JSON.stringify(input);
    const size = Buffer.byteLength(json);
    const max = maxPayloadBytes(ctx);
    if (size > max) {
      throw new OrdoError(
        "PAYLOAD_TOO_LARGE",
        `input is ${size} bytes, above maxPayloadBytes (${max}); pass a smaller value (e.g. a URL to the data).`,
        { details: { size, maxPayloadBytes: max } },
      );
    }
    return json;
  } catch (error) {
    if (!isOrdoError(error)) throw error;
    throw new OrdoError(error.code, `inputs[${index}]: ${error.message}`, {
      retryable: error.retryable,
      details: { ...error.details, index },
      cause: error,
    });
  }
}

/** One call per partition and chunk, partitions in parallel; reports what exists on failure. */
async function createGrouped(
  ctx: StartManyContext,
  def: PreparedDefinition,
  pending: readonly Pending[],
): Promise<void> {
  const groups = new Map<number, Pending[]>();
  for (const p of pending) {
    const partition = ctx.keyspace.of(p.executionId).partition;
    const group = groups.get(partition);
    if (group === undefined) groups.set(partition, [p]);
    else group.push(p);
  }
  const created: string[] = [];
  const failures: unknown[] = [];
  await Promise.all(
    [...groups].map(async ([partition, group]) => {
      const keys = ctx.keyspace.part(partition);
      for (let first = 0; first < group.length; first += START_MANY_CHUNK) {
        const chunk = group.slice(first, first + START_MANY_CHUNK);
        try {
          await createChunk(ctx, def, keys, chunk);
        } catch (error) {
          failures.push(error);
          return; // later chunks of this partition are not attempted
        }
        for (const p of chunk) created.push(p.executionId);
      }
    }),
  );
  if (failures.length > 0) throw partialFailure(failures[0], created, pending.length);
}

async function createChunk(
  ctx: StartManyContext,
  def: PreparedDefinition,
  keys: PartitionKeys,
  executions: readonly Pending[],
): Promise<void> {
  const known = `${keys.partition}:${def.fingerprint}`;
  const args = { fingerprint: def.fingerprint, pipelineName: def.ir.name, executions };
  let result = await createExecutions(
    ctx.store,
    keys,
    ctx.storedDefs.has(known) ? args : { ...args, definition: def },
  );
  if (!result.created) {
    result = await createExecutions(ctx.store, keys, { ...args, definition: def });
  }
  ctx.storedDefs.add(known);
}

function partialFailure(first: unknown, created: readonly string[], total: number): OrdoError {
  const cause = isOrdoError(first) ? first : undefined;
  const message = first instanceof Error ? first.message : String(first);
  return new OrdoError(
    cause?.code ?? "SCRIPT_ERROR",
    `startMany created ${created.length} of ${total} executions (details.created lists them), then failed: ${message}`,
    {
      retryable: cause?.retryable ?? true,
      details: { ...cause?.details, created: [...created] },
      cause: first,
    },
  );
}
