/**
 * Shared options and helpers of the durable-layer commands (`ledger`, `timeline`, `replay`,
 * `rerun`): which durable store to open, and an optional Redis to ship pending events from first.
 */
import { existsSync } from "node:fs";
import {
  createLedgerShipper,
  type DurableStore,
  openMongoStore,
  openSqliteStore,
} from "@ordo/runtime";
import { usageError } from "../command.js";
import type { CliIO } from "../io.js";
import { resolvePath } from "../load.js";

/** Options every durable command takes. */
export const DURABLE_OPTIONS = {
  store: {
    type: "string",
    valueName: "path|url",
    description: "SQLite file or mongodb:// URL of the durable store. Default .ordo/ordo.db.",
  },
  db: { type: "string", valueName: "name", description: "MongoDB database name. Default ordo." },
  redis: {
    type: "string",
    valueName: "URL",
    description: "Ship pending ledger events from this Redis first.",
  },
  prefix: { type: "string", valueName: "name", description: "Redis key prefix. Default ordo." },
  partitions: {
    type: "string",
    valueName: "n",
    description: "Redis partition count. Default 16.",
  },
  json: { type: "boolean", description: "Print JSON." },
} as const;

/** Parsed values of {@link DURABLE_OPTIONS}. */
export interface DurableValues {
  readonly store?: string | undefined;
  readonly db?: string | undefined;
  readonly redis?: string | undefined;
  readonly prefix?: string | undefined;
  readonly partitions?: string | undefined;
}

/** Opens the durable store named by `--store` (a missing SQLite file is a usage error). */
export async function openDurable(values: DurableValues, io: CliIO): Promise<DurableStore> {
  const target = values.store ?? ".ordo/ordo.db";
  if (/^mongodb(\+srv)?:\/\//.test(target)) {
    return openMongoStore({ url: target, dbName: values.db ?? "ordo" });
  }
  const path = resolvePath(io.cwd, target);
  if (!existsSync(path)) {
    throw usageError(`no durable store at '${target}' (pass --store <file> or mongodb://...)`);
  }
  return openSqliteStore({ path });
}

/** `{ connection, prefix, partitions }` from the options; `connection` only with `--redis`. */
export function hotOptions(values: DurableValues) {
  const partitions = values.partitions === undefined ? undefined : Number(values.partitions);
  if (partitions !== undefined && !(Number.isInteger(partitions) && partitions > 0)) {
    throw usageError(`--partitions must be a positive integer, got '${values.partitions}'`);
  }
  return {
    ...(values.redis === undefined ? {} : { connection: values.redis }),
    ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
    ...(partitions === undefined ? {} : { partitions }),
  };
}

/** With `--redis`: one shipping pass, so the durable ledger is current. */
export async function shipFirst(values: DurableValues, store: DurableStore): Promise<void> {
  if (values.redis === undefined) return;
  const shipper = createLedgerShipper({ ...hotOptions(values), store });
  try {
    await shipper.shipOnce();
  } finally {
    await shipper.close();
  }
}

/** `--redis` is required by commands that write hot state. */
export function requireRedis(values: DurableValues, command: string): string {
  if (values.redis === undefined) {
    throw usageError(`${command}: --redis URL is required (it writes hot state)`);
  }
  return values.redis;
}

/** Runs `body` with the store open, closing it afterwards. */
export async function withStore<T>(
  values: DurableValues,
  io: CliIO,
  body: (store: DurableStore) => Promise<T>,
): Promise<T> {
  const store = await openDurable(values, io);
  try {
    await shipFirst(values, store);
    return await body(store);
  } finally {
    await store.close();
  }
}
