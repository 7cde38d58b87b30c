/** Server-sent events for tests of the HTTP adapter. */

/** One SSE message: `id` as sent (a ledger seq, or `<seq>:<progress id>`), event name, JSON data. */
export interface SseMessage {
  readonly id: string;
  readonly event: string;
  readonly data: unknown;
}

/** Reads an SSE response to its end; returns the messages that carry an id, in order. */
export async function readSse(res: Response): Promise<SseMessage[]> {
  const text = await res.text();
  return text
    .split("\n\n")
    .filter((block) => block.startsWith("id:"))
    .map((block) => {
      const lines = Object.fromEntries(
        block.split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]),
      );
      return { id: lines.id!, event: lines.event!, data: JSON.parse(lines.data!) as unknown };
    });
}
