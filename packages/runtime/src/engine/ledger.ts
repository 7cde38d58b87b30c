/**
 * Decoding the partition ledger stream. Scripts write compact field names (`e`, `q`, `t`, ...);
 * this maps them to the unchained ledger event shape the durable store chains and persists.
 */

/** One ledger event as read from hot state (before hash chaining). */
export interface HotLedgerEvent {
  /** Redis stream id (ordering within the partition). */
  readonly id: string;
  readonly executionId: string;
  /** 1-based, contiguous per execution. */
  readonly seq: number;
  /** `<category>.<event>`, e.g. `step.completed`. */
  readonly type: string;
  readonly category: string;
  /** Epoch ms by the Redis clock. */
  readonly at: number;
  readonly stepId?: string;
  readonly attempt?: number;
  readonly workerId?: string;
  readonly claimToken?: string;
  readonly reason?: string;
  readonly data?: Record<string, unknown>;
}

/** Decodes one stream entry (`[id, [field, value, ...]]`). */
export function decodeLedgerEntry(id: string, fields: readonly string[]): HotLedgerEvent {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  const type = f.get("t") ?? "unknown.unknown";
  const optional = (key: string) => f.get(key);
  const attempt = optional("a");
  const data = optional("d");
  return {
    id,
    executionId: f.get("e") ?? "",
    seq: Number(f.get("q") ?? 0),
    type,
    category: type.split(".")[0]!,
    at: Number(f.get("at") ?? 0),
    ...(optional("s") === undefined ? {} : { stepId: optional("s")! }),
    ...(attempt === undefined ? {} : { attempt: Number(attempt) }),
    ...(optional("w") === undefined ? {} : { workerId: optional("w")! }),
    ...(optional("k") === undefined ? {} : { claimToken: optional("k")! }),
    ...(optional("r") === undefined ? {} : { reason: optional("r")! }),
    ...(data === undefined ? {} : { data: JSON.parse(data) as Record<string, unknown> }),
  };
}
