/**
 * RESP2 reply values shared by the keyspace, the Lua host and the client facade. Bulk strings
 * are binary strings (one char per byte, "latin1"), so byte lengths, byte order comparisons and
 * NUL bytes behave as in Redis; the client converts to and from UTF-8 at its edge.
 */

/** A status reply (`+OK`). */
export class StatusReply {
  constructor(readonly status: string) {}
}

/** An error reply; `message` is the full text, code first (`ERR ...`, `WRONGTYPE ...`). */
export class ErrorReply {
  constructor(readonly message: string) {}
}

/** Any RESP2 reply: bulk string, integer, nil, status, error or array. */
export type Reply = string | number | null | StatusReply | ErrorReply | Reply[];

/** Thrown by command implementations; the dispatcher turns it into an {@link ErrorReply}. */
export class CommandError extends Error {}

/** The canonical replies, shared to avoid allocations on hot paths. */
export const OK = new StatusReply("OK");
export const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const NOT_INTEGER = "ERR value is not an integer or out of range";
export const NOT_FLOAT = "ERR value is not a valid float";
export const SYNTAX = "ERR syntax error";

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/** UTF-8 text -> binary string (a no-op for ASCII, the common case). */
export function toBinary(text: string): string {
  return isAscii(text) ? text : Buffer.from(text, "utf8").toString("latin1");
}

/** Binary string -> UTF-8 text, as ioredis decodes bulk strings. */
export function fromBinary(bytes: string): string {
  return isAscii(bytes) ? bytes : Buffer.from(bytes, "latin1").toString("utf8");
}

/**
 * A reply as ioredis returns it against real Redis: bulk -> string, integer -> number,
 * nil -> null, status -> its text, array -> array. Errors are thrown as `Error(message)`.
 */
export function toClientValue(reply: Reply): unknown {
  if (reply === null || typeof reply === "number") return reply;
  if (typeof reply === "string") return fromBinary(reply);
  if (reply instanceof StatusReply) return fromBinary(reply.status);
  if (reply instanceof ErrorReply) throw redisError(reply.message);
  return reply.map((item) =>
    item instanceof ErrorReply ? redisError(item.message) : toClientValue(item),
  );
}

/** An `Error` shaped like ioredis's `ReplyError` (name "ReplyError", message = Redis's text). */
export function redisError(message: string): Error {
  return new ReplyError(fromBinary(message));
}

/** Same name as ioredis's error class, kept on the prototype (not an own property) like it. */
export class ReplyError extends Error {}
Object.defineProperty(ReplyError.prototype, "name", { value: "ReplyError" });
