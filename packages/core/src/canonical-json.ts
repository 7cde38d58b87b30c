/**
 * Canonical JSON in the style of RFC 8785 (JCS): object keys sorted by UTF-16 code units, no
 * whitespace, numbers in ECMAScript shortest form, strings escaped as `JSON.stringify` does.
 * Two values that are equal as JSON always produce the same text, so its SHA-256 is a stable
 * content fingerprint.
 */
import { createHash } from "node:crypto";
import { OrdoError } from "./errors.js";

/**
 * Serialise `value` as canonical JSON.
 *
 * Follows `JSON.stringify` semantics for what is kept, so that
 * `canonicalJson(x) === canonicalJson(JSON.parse(JSON.stringify(x)))` for every JSON-safe `x`:
 * `undefined` object members are dropped, `undefined` array elements become `null`, `toJSON()`
 * is honoured (dates become ISO strings), `-0` is written `0`.
 *
 * @throws OrdoError `NOT_JSON` for NaN, ±Infinity, a bigint, a function or symbol in a value
 *   position, or a cyclic structure. The details carry the JSON path of the offending value.
 *
 * @example
 * ```ts
 * import { canonicalJson } from "@ordo/core";
 * canonicalJson({ b: 1.0, a: [true, null], c: undefined }); // '{"a":[true,null],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  const text = write(value, "$", new Set());
  if (text === undefined) {
    throw notJson("$", `a top-level ${typeof value} has no JSON form`);
  }
  return text;
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

/** Returns `undefined` for values JSON omits (undefined, functions, symbols) in member position. */
function write(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw notJson(path, `${value} is not a finite number`);
      // JSON.stringify gives the ECMAScript shortest round-trip form RFC 8785 requires; -0 -> "0".
      return JSON.stringify(value);
    case "bigint":
      throw notJson(path, "bigint is not a JSON number; convert it to a string or number first");
    case "undefined":
      return undefined;
    case "function":
    case "symbol":
      return undefined;
    default:
      return writeObject(value as object | null, path, seen);
  }
}

function writeObject(value: object | null, path: string, seen: Set<object>): string | undefined {
  if (value === null) return "null";
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === "function") {
    return write((withToJson.toJSON as (key: string) => unknown)(""), path, seen);
  }
  if (seen.has(value)) throw notJson(path, "the structure is cyclic");
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const parts = value.map((item, index) => write(item, `${path}[${index}]`, seen) ?? "null");
      return `[${parts.join(",")}]`;
    }
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, exactly the order RFC 8785 prescribes.
    const keys = Object.keys(record).sort();
    const parts: string[] = [];
    for (const key of keys) {
      const member = write(record[key], `${path}.${key}`, seen);
      if (member !== undefined) parts.push(`${JSON.stringify(key)}:${member}`);
    }
    return `{${parts.join(",")}}`;
  } finally {
    seen.delete(value);
  }
}
