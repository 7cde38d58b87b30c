/**
 * The string protocol between the prelude and the host (see prelude.ts): answers JS stages on
 * Lua's stdin and the `D` payload of a finished script. The fast bridge (lua-stack.ts) bypasses
 * it for plain arguments and scalar replies; everything else still travels this way.
 */
import { ErrorReply, type Reply, StatusReply } from "../reply.js";

/** Parses `<len>:` at `pos`; returns [len, position after the colon]. */
export function lengthAt(heap: Uint8Array, pos: number): [number, number] {
  let n = 0;
  let c = heap[pos] ?? 58;
  while (c !== 58) {
    n = n * 10 + (c - 48);
    c = heap[++pos] ?? 58;
  }
  return [n, pos + 1];
}

/** Encodes a reply in the answer format the Lua side decodes. */
export function encodeAnswer(reply: Reply, out: string[]): void {
  if (typeof reply === "string") out.push(`$${reply.length}:`, reply);
  else if (typeof reply === "number") out.push(`:${Math.trunc(reply)};`);
  else if (reply === null) out.push("n");
  else if (reply instanceof StatusReply) out.push(`+${reply.status.length}:`, reply.status);
  else if (reply instanceof ErrorReply) out.push(`-${reply.message.length}:`, reply.message);
  else {
    out.push(`*${reply.length}:`);
    for (const item of reply) encodeAnswer(item, out);
  }
}

/** Parses the `D` (done) payload of a finished script into a reply. */
export function parseResult(s: string, pos: number): [Reply, number] {
  const t = s[pos];
  if (t === "n") return [null, pos + 1];
  if (t === ":") {
    const end = s.indexOf(";", pos);
    return [Number(s.slice(pos + 1, end)), end + 1];
  }
  const colon = s.indexOf(":", pos);
  const n = Number(s.slice(pos + 1, colon));
  if (t === "*") {
    const items: Reply[] = [];
    let at = colon + 1;
    for (let i = 0; i < n; i++) {
      const [item, next] = parseResult(s, at);
      items.push(item);
      at = next;
    }
    return [items, at];
  }
  const body = s.slice(colon + 1, colon + 1 + n);
  const value = t === "$" ? body : t === "+" ? new StatusReply(body) : new ErrorReply(body);
  return [value, colon + 1 + n];
}
