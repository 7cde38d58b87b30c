/**
 * Canonical JSON (RFC 8785, JCS): object keys sorted by UTF-16 code units, no whitespace, numbers
 * in ECMAScript shortest form, strings escaped as `JSON.stringify` does. Two values that are equal
 * as JSON always produce the same text, so its SHA-256 is a stable content fingerprint.
 *
 * The one implementation every fingerprint and hash in Ordo uses: definition and execution
 * fingerprints, the durable ledger's hash chain, content-addressed payload refs, LLM cache keys.
 * It is strict on purpose: it serialises JSON values only and throws on anything else, so a hash
 * never depends on how some class happens to serialise itself.
 */
import { createHash } from "node:crypto";
import { OrdoError } from "./errors.js";

/**
 * Serialise a JSON value as canonical JSON.
 *
 * Object members whose value is `undefined` are omitted (they are absent optional fields, as in
 * `JSON.stringify`); `-0` is written `0`. For every JSON value `x`,
 * `canonicalJson(x) === canonicalJson(JSON.parse(JSON.stringify(x)))`.
 *
 * Everything else is not JSON and throws `OrdoError("NOT_JSON")` with the JSON path in
 * `details.path`: `undefined` at the top or in an array, NaN and ±Infinity, a bigint, a function
 * or symbol (even as an object member), a cycle, a string or key with a lone surrogate (RFC 8785
 * takes I-JSON: a lone surrogate has no UTF-8 form), and any object that is not a plain object
 * or array, **including `Date`** (and Map, Buffer, class instances): `toJSON()` is not called.
 * Convert a date yourself (`date.toISOString()`). Values that crossed a JSON boundary (the
 * engine's inputs and outputs are stored with `JSON.stringify`, where a Date becomes its ISO
 * string, and hashed after parsing) are plain JSON and never hit this.
 *
 * @example
 * ```ts
 * import { canonicalJson } from "@ordo/core";
 * canonicalJson({ b: 1.0, a: [true, null], c: undefined }); // '{"a":[true,null],"b":1}'
 * canonicalJson({ at: new Date(0) }); // throws OrdoError NOT_JSON (path "$.at")
 * ```
 */
export function canonicalJson(value: unknown): string {
  return write(value, "$", new Set());
}

/**
 * SHA-256 of `text` (UTF-8 encoded when a string), as lowercase hex.
 *
 * @example
 * ```ts
 * import { canonicalJson, sha256Hex } from "@ordo/core";
 * sha256Hex(canonicalJson({ a: 1 })); // 64 hex characters
 * sha256Hex(""); // "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
 * ```
 */
export function sha256Hex(text: string | Uint8Array): string {
  return createHash("sha256").update(text).digest("hex");
}

function notJson(path: string, what: string): OrdoError {
  return new OrdoError("NOT_JSON", `value at ${path} cannot be written as JSON: ${what}`, {
    details: { path },
  });
}

function write(value: unknown, path: string, seen: Set<object>): string {
  switch (typeof value) {
    case "string":
      return writeString(value, path);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw notJson(path, `${value} is not a finite number`);
      // JSON.stringify gives the ECMAScript shortest round-trip form RFC 8785 requires; -0 -> "0".
      return JSON.stringify(value);
    case "bigint":
      throw notJson(path, "bigint is not a JSON number; convert it to a string or number first");
    case "object":
      return value === null ? "null" : writeContainer(value, path, seen);
    default:
      throw notJson(path, `a ${typeof value} is not a JSON value`);
  }
}

function writeContainer(value: object, path: string, seen: Set<object>): string {
  if (seen.has(value)) throw notJson(path, "the structure is cyclic");
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item, index) => write(item, `${path}[${index}]`, seen)).join(",")}]`;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
      const hint = value instanceof Date ? " (use date.toISOString())" : "";
      throw notJson(path, `a ${name} is not a plain JSON object${hint}`);
    }
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, exactly the order RFC 8785 prescribes.
    const keys = Object.keys(record).sort();
    const parts: string[] = [];
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      parts.push(`${writeString(key, path)}:${write(item, `${path}.${key}`, seen)}`);
    }
    return `{${parts.join(",")}}`;
  } finally {
    seen.delete(value);
  }
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether `text` holds a lone surrogate: it has no UTF-8 form, so {@link canonicalJson} refuses
 * it (callers check inputs early with this, before anything is hashed or written).
 *
 * @example
 * ```ts
 * hasLoneSurrogate("ok \u{1F600}"); // false
 * hasLoneSurrogate("broken \uD83D"); // true
 * ```
 */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

function writeString(value: string, path: string): string {
  if (hasLoneSurrogate(value)) throw notJson(path, "the string contains a lone surrogate");
  return JSON.stringify(value);
}
