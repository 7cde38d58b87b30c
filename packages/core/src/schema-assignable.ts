/**
 * Static compatibility of two JSON Schemas: can every value of `source` be given where `target`
 * is expected? Used to type-check bindings. Deliberately one-sided: it answers `false` only for
 * clear mismatches (different JSON types, a missing required property, a closed object given
 * extra properties, a value outside an enum...) and `true` whenever the schemas do not say enough
 * (no `type`, unsupported keywords such as `not`, `if`, string formats, numeric bounds).
 */
import { canonicalJson } from "./canonical-json.js";
import type { JsonSchema, JsonValue } from "./json.js";
import { branches, deref, isObject, type SchemaNode, typeList } from "./json-schema.js";

const MAX_DEPTH = 64;

interface Side {
  readonly node: SchemaNode;
  readonly root: JsonSchema;
}

function jsonTypeOf(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Values allowed by `const` / `enum`, or `undefined` when the schema does not list them. */
function valuesOf(node: JsonSchema): JsonValue[] | undefined {
  if (Object.hasOwn(node, "const")) return [node.const as JsonValue];
  return Array.isArray(node.enum) ? node.enum : undefined;
}

function typesOf(node: JsonSchema): string[] | undefined {
  const types = typeList(node);
  if (types !== undefined) return types;
  const values = valuesOf(node);
  return values === undefined ? undefined : [...new Set(values.map(jsonTypeOf))];
}

/** Integer fits number; number is accepted for integer too (the value may be whole: unsure). */
function typeFits(source: string, target: readonly string[]): boolean {
  if (target.includes(source)) return true;
  if (source === "integer") return target.includes("number");
  if (source === "number") return target.includes("integer");
  return false;
}

function without(node: JsonSchema, keyword: string): JsonSchema {
  const { [keyword]: _dropped, ...rest } = node;
  return rest;
}

/** A union branch with the keywords it sits next to (`{ type: "object", anyOf: [...] }`). */
function withBranch(rest: JsonSchema, branch: SchemaNode, root: JsonSchema): SchemaNode {
  const resolved = deref(branch, root);
  if (!isObject(resolved)) return resolved;
  return Object.keys(rest).length === 0 ? resolved : { ...rest, ...resolved };
}

/** Merge `allOf` branches into one schema: properties and required united, other keys first-wins. */
function mergeAllOf(rest: JsonSchema, list: SchemaNode[], root: JsonSchema): JsonSchema {
  const merged: JsonSchema = { ...rest };
  const properties: JsonSchema = isObject(rest.properties) ? { ...rest.properties } : {};
  const required = new Set(Array.isArray(rest.required) ? rest.required : []);
  for (const branch of list) {
    const node = deref(branch, root);
    if (!isObject(node)) continue;
    for (const [key, value] of Object.entries(node)) {
      if (key === "properties" && isObject(value)) Object.assign(properties, value);
      else if (key === "required" && Array.isArray(value)) for (const r of value) required.add(r);
      // Each zod intersection branch is closed; the intersection is not closed to the other's keys.
      else if (key !== "additionalProperties" && !(key in merged)) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

/**
 * Whether every value valid under `source` is valid under `target`, as far as the JSON types,
 * `const`/`enum`, object properties (required, closed) and array items tell. Unsure cases
 * answer `true`. `$ref`s resolve against each schema's own root (`#/$defs/...`).
 *
 * @example
 * ```ts
 * import { isSchemaAssignable } from "@ordo/core";
 * isSchemaAssignable({ type: "integer" }, { type: "number" }); // true
 * isSchemaAssignable({ type: "string" }, { type: "number" }); // false
 * isSchemaAssignable({ type: ["string", "null"] }, { type: "string" }); // false
 * isSchemaAssignable({ type: "object", properties: {} }, { type: "object", required: ["id"] }); // false
 * isSchemaAssignable({}, { type: "string" }); // true (the source says nothing)
 * ```
 */
export function isSchemaAssignable(source: JsonSchema, target: JsonSchema): boolean {
  return assign({ node: source, root: source }, { node: target, root: target }, 0);
}

function assign(source: Side, target: Side, depth: number): boolean {
  if (depth > MAX_DEPTH) return true;
  const s = deref(source.node, source.root);
  const t = deref(target.node, target.root);
  if (t === false) return s === false;
  if (s === false || s === true || t === true || !isObject(s) || !isObject(t)) return true;
  const next = depth + 1;
  const src = (node: SchemaNode): Side => ({ node, root: source.root });
  const tgt = (node: SchemaNode): Side => ({ node, root: target.root });

  for (const keyword of ["anyOf", "oneOf"] as const) {
    const list = branches(s, keyword);
    if (list === undefined) continue;
    const rest = without(s, keyword);
    return list.every((b) => assign(src(withBranch(rest, b, source.root)), target, next));
  }
  const sAll = branches(s, "allOf");
  if (sAll !== undefined) {
    return assign(src(mergeAllOf(without(s, "allOf"), sAll, source.root)), target, next);
  }
  const sTypes = typeList(s);
  if (sTypes !== undefined && sTypes.length > 1) {
    // Split `type: [a, b]` so each member can meet a different target union branch.
    return sTypes.every((type) => assign(src({ ...s, type }), target, next));
  }
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const list = branches(t, keyword);
    if (list === undefined) continue;
    const rest = without(t, keyword);
    return list.some((b) => assign(source, tgt(withBranch(rest, b, target.root)), next));
  }
  const tAll = branches(t, "allOf");
  if (tAll !== undefined) {
    const rest = without(t, "allOf");
    return [rest, ...tAll].every((b) => assign(source, tgt(b), next));
  }
  return assignSimple(s, t, (a, b) => assign(src(a), tgt(b), next));
}

type Check = (source: SchemaNode, target: SchemaNode) => boolean;

/** Both sides are free of unions, intersections and references at the top. */
function assignSimple(s: JsonSchema, t: JsonSchema, check: Check): boolean {
  const sTypes = typesOf(s);
  const tValues = valuesOf(t);
  if (tValues !== undefined) {
    const sValues = valuesOf(s);
    if (sValues === undefined) return sTypes === undefined;
    const allowed = new Set(tValues.map(canonicalJson));
    return sValues.every((value) => allowed.has(canonicalJson(value)));
  }
  if (sTypes === undefined) return true;
  const tTypes = typeList(t);
  if (tTypes !== undefined && !sTypes.every((type) => typeFits(type, tTypes))) return false;
  if (valuesOf(s) !== undefined) return true;
  const type = sTypes[0];
  if (type === "object") return assignObject(s, t, check);
  if (type === "array") return assignArray(s, t, check);
  return true;
}

function assignObject(s: JsonSchema, t: JsonSchema, check: Check): boolean {
  const sProps = isObject(s.properties) ? s.properties : undefined;
  const sRequired = new Set(Array.isArray(s.required) ? s.required : []);
  const sExtra = s.additionalProperties;
  const tProps = isObject(t.properties) ? t.properties : {};
  const tRequired = Array.isArray(t.required) ? t.required : [];
  for (const name of tRequired) {
    if (typeof name !== "string" || sRequired.has(name)) continue;
    // A source that declares its properties but not this one as required may lack it; a source
    // that declares nothing (`{ type: "object" }`, a record) is unknown: accepted.
    if (sProps !== undefined) return false;
  }
  for (const [name, tProp] of Object.entries(tProps)) {
    const sProp = sProps !== undefined && Object.hasOwn(sProps, name) ? sProps[name] : sExtra;
    if (sProp === undefined || sProp === false) continue;
    if (!check(sProp, tProp)) return false;
  }
  const tExtra = t.additionalProperties;
  if (tExtra === undefined || isObject(t.patternProperties)) return true;
  for (const [name, sProp] of Object.entries(sProps ?? {})) {
    if (Object.hasOwn(tProps, name)) continue;
    if (tExtra === false || !check(sProp, tExtra)) return false;
  }
  if (sExtra !== undefined && sExtra !== false && tExtra === false) return false;
  if (sExtra !== undefined && sExtra !== false && !check(sExtra, tExtra)) return false;
  return true;
}

function assignArray(s: JsonSchema, t: JsonSchema, check: Check): boolean {
  const sPrefix = Array.isArray(s.prefixItems) ? s.prefixItems : [];
  const tPrefix = Array.isArray(t.prefixItems) ? t.prefixItems : [];
  const sItems = s.items;
  const tItems = t.items;
  const sourceAt = (index: number): SchemaNode =>
    index < sPrefix.length ? sPrefix[index] : sItems;
  for (let index = 0; index < tPrefix.length; index++) {
    const element = sourceAt(index);
    // Past the end of a closed source tuple the element is absent (length bounds: not checked).
    if (element === undefined || element === false) continue;
    if (!check(element, tPrefix[index])) return false;
  }
  if (tItems === undefined) return true;
  for (let index = tPrefix.length; index < sPrefix.length; index++) {
    if (!check(sPrefix[index], tItems)) return false;
  }
  if (sItems === undefined || sItems === false) return true;
  return check(sItems, tItems);
}
