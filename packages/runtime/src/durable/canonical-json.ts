/**
 * Canonical JSON (RFC 8785 style) and SHA-256 helpers for the ledger hash chain and
 * content-addressed payloads.
 *
 * Self-contained on purpose: the hash chain must not change when another package's serialiser
 * changes, so this file is the single definition the durable layer hashes with.
 */
import { createHash } from "node:crypto";
import { OrdoError } from "@ordo/core";

/**
 * Serialise `value` as canonical JSON: object keys sorted by UTF-16 code units, no whitespace,
 * numbers in ECMAScript shortest form (`1e21`, `0.1`, `-0` becomes `0`), strings escaped as
 * `JSON.stringify` does.
 *
 * Object properties whose value is `undefined` are omitted (they are optional fields, as in
 * `JSON.stringify`). Everything else that is not JSON throws `OrdoError("INPUT_INVALID")` with
 * the JSON path in `details.path`: `undefined` in an array or at the top, non-finite numbers,
 * bigint, functions, symbols, class instances (Date, Map, Buffer...), cycles and lone surrogates.
 *
 * @example
 * ```ts
 * canonicalJson({ b: [1, 2.5e-7, "x"], a: null }); // '{"a":null,"b":[1,2.5e-7,"x"]}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return write(value, "$", new Set());
}

/**
 * Lower-case hex SHA-256 of a string (hashed as UTF-8) or of bytes.
 *
 * @example
 * ```ts
 * sha256Hex("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function sha256Hex(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

function write(value: unknown, path: string, stack: Set<object>): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return writeString(value, path);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw notJson(path, `the number ${value} is not finite`);
      // Number#toString is the ECMAScript shortest round-trip form RFC 8785 prescribes; -0 -> "0".
      return Object.is(value, -0) ? "0" : String(value);
    case "object":
      return writeContainer(value, path, stack);
    default:
      throw notJson(path, `a ${typeof value} is not a JSON value`);
  }
}

function writeContainer(value: object, path: string, stack: Set<object>): string {
  if (stack.has(value)) throw notJson(path, "the value contains a cycle");
  stack.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item, index) => write(item, `${path}[${index}]`, stack)).join(",")}]`;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
      throw notJson(path, `a ${name} instance is not a plain JSON object`);
    }
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is exactly RFC 8785's key order.
    const keys = Object.keys(record).sort();
    const members: string[] = [];
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      members.push(`${writeString(key, path)}:${write(item, `${path}.${key}`, stack)}`);
    }
    return `{${members.join(",")}}`;
  } finally {
    stack.delete(value);
  }
}

// A lone surrogate has no UTF-8 encoding, so two different strings could hash alike.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function writeString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) throw notJson(path, "the string contains a lone surrogate");
  return JSON.stringify(value);
}

function notJson(path: string, reason: string): OrdoError {
  return new OrdoError("INPUT_INVALID", `Cannot serialise ${path} as canonical JSON: ${reason}.`, {
    details: { path },
  });
}
