/**
 * From what a binding callback returns to IR value expressions, and the types that say what a
 * callback may return for a given input type.
 */
import { type JsonValue, OrdoError, type ValueExpr } from "@ordo/core";
import { type Ref, type RefValue, refPathOf, type Template, templateTextOf } from "./ref.js";

/**
 * What may be given for an input of type `T`: a literal, a reference to a compatible value, a
 * template (for string inputs), or an object/array whose members are bindable in turn.
 *
 * @example
 * ```ts
 * const messages: Bindable<{ role: "user"; content: string }[]> = [{ role: "user", content: $.input.q }];
 * // IR: [{ role: "user", content: { $ref: "input.q" } }]
 * ```
 */
export type Bindable<T> = T | Ref<T> | BindableParts<T>;

type BindableParts<T> = T extends string
  ? string extends T
    ? Template
    : never
  : T extends readonly (infer E)[]
    ? readonly Bindable<E>[]
    : T extends object
      ? { readonly [K in keyof T]: Bindable<T[K]> }
      : never;

/**
 * The inputs object of a step whose input type is `T`: what a binding callback returns.
 *
 * @example
 * ```ts
 * const inputs: BindableInputs<{ query: string; topK?: number }> = { query: $.input.q, topK: 4 };
 * ```
 */
export type BindableInputs<T> = { readonly [K in keyof T]: Bindable<T[K]> };

/**
 * The value a bindable resolves to at run time: references become their type, templates strings.
 *
 * @example
 * ```ts
 * type R = Resolved<{ a: Ref<number>; b: Template; c: "x" }>; // { a: number; b: string; c: "x" }
 * ```
 */
export type Resolved<T> = T extends unknown
  ? [RefValue<T>] extends [never]
    ? ResolvedValue<T>
    : RefValue<T>
  : never;

type ResolvedValue<T> = T extends Template
  ? string
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: Resolved<T[K]> }
    : T extends object
      ? { -readonly [K in keyof T]: Resolved<T[K]> }
      : T;

const EXPR_KEYS = new Set(["$ref", "$template", "$literal"]);

/** Result of {@link toValueExpr}: the expression and the step ids its references read. */
export interface Converted {
  readonly expr: ValueExpr;
  readonly stepRefs: ReadonlySet<string>;
}

/**
 * Converts a binding result to an IR value expression. References become `$ref`, templates
 * `$template`, plain JSON stays literal, and a literal object whose keys look like expressions is
 * wrapped in `$literal`. `where` names the location for error messages (e.g. `step 'a' input`).
 */
export function toValueExpr(value: unknown, where: string): Converted {
  const stepRefs = new Set<string>();
  const expr = convert(value, where, stepRefs);
  return { expr: expr === undefined ? null : expr, stepRefs };
}

function convert(value: unknown, where: string, stepRefs: Set<string>): ValueExpr | undefined {
  const path = refPathOf(value);
  if (path !== undefined) {
    addStepRef(path, stepRefs);
    return { $ref: path };
  }
  const text = templateTextOf(value);
  if (text !== undefined) {
    for (const match of text.matchAll(/\{\{([^}]+)\}\}/g)) addStepRef(match[1] ?? "", stepRefs);
    return { $template: text };
  }
  if (value === undefined) return undefined;
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    throw notJson(where, `the number ${value}`);
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => convert(item, `${where}[${i}]`, stepRefs) ?? null);
  }
  if (isPlainObject(value)) {
    if (Object.keys(value).some((key) => EXPR_KEYS.has(key))) {
      return { $literal: toLiteral(value, where) };
    }
    const out: Record<string, ValueExpr> = {};
    for (const [key, member] of Object.entries(value)) {
      const converted = convert(member, `${where}.${key}`, stepRefs);
      if (converted !== undefined) out[key] = converted;
    }
    return out;
  }
  throw notJson(where, describe(value));
}

/** A JSON literal containing no references (used for `$literal` and step config). */
export function toLiteral(value: unknown, where: string): JsonValue {
  if (refPathOf(value) !== undefined || templateTextOf(value) !== undefined) {
    throw new OrdoError(
      "IR_BINDING_INVALID",
      `${where}: references and templates are not allowed here (only literal JSON values)`,
      { details: { where } },
    );
  }
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (Array.isArray(value))
    return value.map((item, i) => toLiteral(item ?? null, `${where}[${i}]`));
  if (isPlainObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) out[key] = toLiteral(member, `${where}.${key}`);
    }
    return out;
  }
  throw notJson(where, describe(value));
}

function addStepRef(path: string, stepRefs: Set<string>): void {
  const [head, id] = path.split(".");
  if (head === "steps" && id !== undefined && id.length > 0) stepRefs.add(id);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null) {
    return `a ${value.constructor?.name ?? "non-plain"} object`;
  }
  return `a ${typeof value}`;
}

function notJson(where: string, what: string): OrdoError {
  return new OrdoError(
    "IR_INVALID",
    `${where}: ${what} cannot be stored in the IR; use JSON values, references or templates`,
    { details: { where } },
  );
}
