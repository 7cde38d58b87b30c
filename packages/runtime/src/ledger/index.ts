/**
 * Ledger shipping: the partition ledger streams in hot state -> the hash-chained durable ledger,
 * plus terminal snapshots. Re-exported by name from the package entry.
 */
export type { ShipKeys } from "./keys.js";
export { shipKeys } from "./keys.js";
export type { LedgerShipper, LedgerShipperOptions, ShipResult } from "./shipper.js";
export { createLedgerShipper } from "./shipper.js";
export type { StreamLedgerEntry } from "./stream.js";
export { decodeStreamEntry, isTerminalEvent } from "./stream.js";
