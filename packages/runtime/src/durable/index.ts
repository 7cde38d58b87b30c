/**
 * The durable layer of the runtime: the `DurableStore` contract, its SQLite and MongoDB
 * implementations, and the pure ledger hash-chain functions. Re-exported by name from the
 * package entry; nothing here is exported with `export *`.
 */
export type {
  ChainProblemCode,
  ChainVerification,
  VerifyChainOptions,
} from "./ledger-chain.js";
export { chainEvents, hashLedgerEvent, verifyChain } from "./ledger-chain.js";
export type { MongoStoreOptions } from "./mongo-store.js";
export { openMongoStore } from "./mongo-store.js";
export { DEFAULT_MAX_PAYLOAD_BYTES, isPayloadRef } from "./records.js";
export type { SqliteStoreOptions } from "./sqlite-store.js";
export { openSqliteStore } from "./sqlite-store.js";
export type {
  AppendEventsResult,
  DurableStore,
  DurableStoreOptions,
  ExecutionSnapshot,
  LedgerEvent,
  LedgerHead,
  ListSnapshotsQuery,
  MetricPoint,
  MetricQuery,
  PayloadRef,
  PutPayloadOptions,
  ReadEventsQuery,
  RemovalResult,
  RetentionOptions,
  SnapshotSummary,
  SpanQuery,
  SpanRecord,
  StepSnapshot,
  StoredPayload,
  UnchainedLedgerEvent,
} from "./types.js";
export { GENESIS_HASH } from "./types.js";
