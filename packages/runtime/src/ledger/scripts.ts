import { callScript } from "../hot/call-script.js";
import type { HotStore } from "../hot/hot-store.js";
import type { ShipKeys } from "./keys.js";

async function call(
  hot: HotStore,
  name: "shipLedgerLease" | "shipLedgerAck",
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown[]> {
  return callScript(hot, name, keys, args);
}

/** Takes or renews the partition's shipping lease; `null` when another shipper holds it. */
export async function takeShipLease(
  hot: HotStore,
  keys: ShipKeys,
  a: { owner: string; leaseMs: number },
): Promise<{ cursor: string } | null> {
  const reply = await call(hot, "shipLedgerLease", [keys.lease, keys.cursor], [a.owner, a.leaseMs]);
  return reply[0] === "OK" ? { cursor: String(reply[1]) } : null;
}

/**
 * Records `lastId` as shipped and trims shipped entries older than `keepMs`. Returns `false`
 * when the lease was lost meanwhile (nothing changed; the next owner re-ships idempotently).
 */
export async function ackShipped(
  hot: HotStore,
  keys: ShipKeys,
  a: { owner: string; lastId: string; keepMs: number },
): Promise<boolean> {
  const reply = await call(
    hot,
    "shipLedgerAck",
    [keys.lease, keys.cursor, keys.log],
    [a.owner, a.lastId, Math.max(0, Math.floor(a.keepMs))],
  );
  return reply[0] === "OK";
}
