/**
 * JSON Schema helpers used to check bindings without running code: find the schema of a field
 * ({@link schemaAtPath}) and decide whether values of one schema fit another
 * ({@link isSchemaAssignable}). They cover the draft 2020-12 subset `z.toJSONSchema` produces;
 * anything else is treated as "unknown", which is accepted (no false errors).
 */
import type { PathSegment } from "./bindings.js";
import type { JsonSchema, JsonValue } from "./json.js";

/** A schema node as it appears inside a document: an object or a boolean schema. */
export type SchemaNode = JsonValue | undefined;

/** Nesting limit when following `$ref`s (guards against reference cycles). */
const MAX_DEPTH = 64;
const ROOT_DEF = "__ordo_root";

/** @internal */
export function isObject(value: SchemaNode): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Resolve a local `$ref` (`#`, `#/$defs/x`, `#/definitions/x`, JSON pointer); unknown -> `{}`. */
function resolveSchemaRef(node: JsonSchema, root: JsonSchema): SchemaNode {
  const ref = node.$ref;
  if (typeof ref !== "string") return node;
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return {};
  let current: SchemaNode = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    current = isObject(current) ? current[key] : undefined;
  }
  return current === undefined ? {} : current;
}

/** @internal Follow `$ref` chains; siblings of `$ref` are ignored (zod never emits them). */
export function deref(node: SchemaNode, root: JsonSchema, depth = 0): SchemaNode {
  if (!isObject(node) || typeof node.$ref !== "string" || depth > MAX_DEPTH) return node;
  return deref(resolveSchemaRef(node, root), root, depth + 1);
}

/** @internal */
export function branches(
  node: JsonSchema,
  keyword: "anyOf" | "oneOf" | "allOf",
): SchemaNode[] | undefined {
  const list = node[keyword];
  return Array.isArray(list) ? list : undefined;
}

/** @internal */
export function typeList(node: JsonSchema): string[] | undefined {
  const type = node.type;
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string");
  return undefined;
}

/** Whether `key` matches a `patternProperties` pattern; an invalid pattern matches (lenient). */
function matches(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, "u").test(key);
  } catch {
    return true;
  }
}

/**
 * One step into `node` through its own keywords (`properties`, `items`, ...). `"none"` when the
 * node has no structural keyword (it does not constrain the child), `undefined` when the child
 * cannot exist.
 */
function ownChild(node: JsonSchema, segment: PathSegment): SchemaNode | "none" {
  const types = typeList(node);
  const key = String(segment);
  const props = node.properties;
  const allowsObject = types === undefined || types.includes("object");
  const allowsArray = types === undefined || types.includes("array");
  if (allowsObject && isObject(props) && Object.hasOwn(props, key)) return props[key];
  if (typeof segment === "number" && allowsArray) {
    const prefix = node.prefixItems;
    if (Array.isArray(prefix) && segment < prefix.length) return prefix[segment];
    if (node.items !== undefined) return node.items;
    if (types?.includes("array")) return {};
  }
  if (allowsObject) {
    const patterns = node.patternProperties;
    if (isObject(patterns)) {
      for (const [pattern, schema] of Object.entries(patterns)) {
        if (matches(pattern, key)) return schema;
      }
    }
    if (node.additionalProperties !== undefined) return node.additionalProperties;
    if (types?.includes("object") || isObject(props)) return {};
  }
  return types === undefined ? "none" : undefined;
}

function child(
  node: SchemaNode,
  segment: PathSegment,
  root: JsonSchema,
  depth: number,
): SchemaNode {
  const target = deref(node, root);
  if (target === true) return {};
  if (!isObject(target) || depth > MAX_DEPTH) return target === false ? undefined : {};
  const own = ownChild(target, segment);
  if (own === undefined || own === false) return undefined;
  const parts: SchemaNode[] = own === "none" ? [] : [own];
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const list = branches(target, keyword);
    if (list === undefined) continue;
    const found = list
      .map((b) => child(b, segment, root, depth + 1))
      .filter((c) => c !== undefined);
    if (found.length === 0) return undefined;
    parts.push(found.length === 1 ? found[0] : { anyOf: found as JsonValue[] });
  }
  const all = branches(target, "allOf");
  if (all !== undefined) {
    // Lenient: zod intersections are allOf of closed objects; a field of one branch is "absent"
    // in the other. The field exists when any branch has it.
    const found = all.map((b) => child(b, segment, root, depth + 1)).filter((c) => c !== undefined);
    if (found.length === 0) return undefined;
    parts.push(...found);
  }
  if (parts.length === 0) return {};
  return parts.length === 1 ? parts[0] : { allOf: parts as JsonValue[] };
}

/** Make an extracted sub-schema standalone: carry the root's `$defs` and its `#` self-reference. */
function standalone(node: SchemaNode, root: JsonSchema): JsonSchema | undefined {
  if (node === undefined || node === false) return undefined;
  if (node === true || !isObject(node)) return {};
  if (node === root) return root;
  const text = JSON.stringify(node);
  const usesRoot = text.includes('"$ref":"#"');
  const defs = root.$defs;
  if (!usesRoot && (!isObject(defs) || !text.includes('"$ref":"#/'))) return node;
  const body = usesRoot ? (rewriteRootRefs(node) as JsonSchema) : node;
  const merged: JsonSchema = {
    ...(isObject(defs) ? defs : {}),
    ...(isObject(body.$defs) ? body.$defs : {}),
  };
  if (usesRoot) merged[ROOT_DEF] = rewriteRootRefs(root);
  return { ...body, $defs: merged };
}

function rewriteRootRefs(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(rewriteRootRefs);
  if (!isObject(value)) return value;
  if (value.$ref === "#") return { ...value, $ref: `#/$defs/${ROOT_DEF}` };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteRootRefs(v)]));
}

/**
 * The schema of the value at `path` inside values of `schema`. Follows `properties`,
 * `patternProperties`, `additionalProperties`, `items`/`prefixItems`, local `$ref`s, `anyOf` and
 * `oneOf` (the union of the branches that have the field) and `allOf`.
 *
 * Returns `undefined` when the field cannot exist (a closed object without that property, an
 * index past a closed tuple, a path into a string...), and `{}` (any value) when the schema does
 * not say (open objects, schemas without `type`). A returned sub-schema is standalone: it carries
 * the `$defs` its `$ref`s need.
 *
 * @example
 * ```ts
 * import { schemaAtPath } from "@ordo/core";
 * const out = { type: "object", properties: { docs: { type: "array", items: { type: "string" } } },
 *               required: ["docs"], additionalProperties: false };
 * schemaAtPath(out, ["docs", 0]); // { type: "string" }
 * schemaAtPath(out, ["missing"]); // undefined
 * ```
 */
export function schemaAtPath(
  schema: JsonSchema,
  path: readonly PathSegment[],
): JsonSchema | undefined {
  let node: SchemaNode = schema;
  for (const segment of path) {
    node = child(node, segment, schema, 0);
    if (node === undefined || node === false) return undefined;
  }
  return standalone(deref(node, schema), schema);
}
