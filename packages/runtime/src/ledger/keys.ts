/**
 * Keys of the shipping bookkeeping. They carry the partition's hash tag, so the lease, the
 * cursor and the partition stream sit in one Redis Cluster slot (one script touches all three).
 */
import type { Keyspace } from "../hot/keys.js";

/** Shipping keys of one partition. */
export interface ShipKeys {
  readonly partition: number;
  /** String with the current shipper's id and a PX expiry. */
  readonly lease: string;
  /** String: stream id of the last entry shipped. */
  readonly cursor: string;
  /** The partition ledger stream. */
  readonly log: string;
}

/** Shipping keys of partition `p`. */
export function shipKeys(keyspace: Keyspace, p: number): ShipKeys {
  const tag = `{${keyspace.prefix}:${p}}`;
  return {
    partition: p,
    lease: `${tag}:ship:lease`,
    cursor: `${tag}:ship:cursor`,
    log: keyspace.part(p).byName.log,
  };
}
