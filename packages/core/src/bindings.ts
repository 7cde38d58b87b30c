/**
 * Bindings: the references a step input (or the pipeline output) makes to the pipeline input or
 * to an upstream step's output. Two forms exist in the IR:
 * - `{ "$ref": "input.question" }` / `{ "$ref": "steps.retrieve.output.documents.0.id" }`;
 * - placeholders inside `{ "$template": "Q: {{ input.question }}" }`.
 *
 * Paths are dot-separated; a segment made only of digits (no leading zero) is an array index.
 * `{ "$literal": ... }` content is data and is never searched for references.
 */
import { OrdoError } from "./errors.js";
import { STEP_ID_PATTERN, type StepIR, type ValueExpr } from "./ir.js";
import type { JsonValue } from "./json.js";

/** One segment of a binding path: an object key or an array index. */
export type PathSegment = string | number;

/** A parsed binding path (see {@link parseRefPath}). */
export type RefTarget =
  | { readonly source: "input"; readonly path: PathSegment[] }
  | { readonly source: "step"; readonly stepId: string; readonly path: PathSegment[] };

/** A reference found inside a value expression (see {@link collectRefs}). */
export interface CollectedRef {
  /** The binding path as written, e.g. `steps.retrieve.output.documents`. */
  readonly path: string;
  /** Where the `$ref` / `$template` sits inside the expression (keys and array indices). */
  readonly location: PathSegment[];
  /** `ref` for a `$ref` (takes the source's type), `template` for a placeholder (becomes text). */
  readonly kind: "ref" | "template";
}

/** What {@link resolveValue} reads references from. */
export interface BindingScope {
  readonly input: JsonValue;
  /** Output of each finished step; `undefined` when a step has not produced one. */
  readonly steps: Readonly<Record<string, JsonValue | undefined>>;
}

const INDEX = /^(0|[1-9][0-9]*)$/;
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

function invalid(path: string, why: string): OrdoError {
  return new OrdoError(
    "IR_BINDING_INVALID",
    `binding "${path}" is invalid: ${why}; write input.<path> or steps.<id>.output.<path>`,
    { details: { path } },
  );
}

/**
 * Parse a binding path into its source and segments.
 *
 * @throws OrdoError `IR_BINDING_INVALID` when the path is not `input[.<path>]` or
 *   `steps.<id>.output[.<path>]`, has an empty segment, or names an invalid step id.
 *
 * @example
 * ```ts
 * import { parseRefPath } from "@ordo/core";
 * parseRefPath("steps.retrieve.output.documents.0.text");
 * // { source: "step", stepId: "retrieve", path: ["documents", 0, "text"] }
 * parseRefPath("input"); // { source: "input", path: [] }
 * ```
 */
export function parseRefPath(path: string): RefTarget {
  const parts = path.split(".");
  if (parts.some((part) => part.length === 0)) throw invalid(path, "it has an empty segment");
  const segments = (from: number): PathSegment[] =>
    parts.slice(from).map((part) => (INDEX.test(part) ? Number(part) : part));
  if (parts[0] === "input") return { source: "input", path: segments(1) };
  if (parts[0] === "steps") {
    const stepId = parts[1];
    if (stepId === undefined || !STEP_ID_PATTERN.test(stepId)) {
      throw invalid(path, "the step id is missing or not a valid id");
    }
    if (parts[2] !== "output") throw invalid(path, `expected "output" after steps.${stepId}`);
    return { source: "step", stepId, path: segments(3) };
  }
  throw invalid(path, 'it must start with "input" or "steps"');
}

/**
 * Placeholder paths of a template, trimmed, in order of appearance. Text with unbalanced braces
 * is plain text.
 *
 * @example
 * ```ts
 * import { templatePlaceholders } from "@ordo/core";
 * templatePlaceholders("Q: {{ input.q }} ({{steps.a.output.n}})"); // ["input.q", "steps.a.output.n"]
 * ```
 */
export function templatePlaceholders(template: string): string[] {
  return Array.from(template.matchAll(PLACEHOLDER), (match) => (match[1] ?? "").trim());
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The single `$`-key of an expression object, if it is a `$ref`/`$template`/`$literal` node. */
function operatorOf(value: Record<string, unknown>): "$ref" | "$template" | "$literal" | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0];
  return key === "$ref" || key === "$template" || key === "$literal" ? key : undefined;
}

/**
 * Every reference inside a value expression: `$ref` paths and template placeholders, with where
 * each sits. `$literal` content is not searched. Works on unvalidated JSON too (non-string
 * `$ref` values are skipped: the schema check reports them).
 *
 * @example
 * ```ts
 * import { collectRefs } from "@ordo/core";
 * collectRefs([{ role: "user", content: { $template: "Q: {{ input.q }}" } }, { $ref: "steps.a.output" }]);
 * // [ { path: "input.q", location: [0, "content"], kind: "template" },
 * //   { path: "steps.a.output", location: [1], kind: "ref" } ]
 * ```
 */
export function collectRefs(expr: ValueExpr): CollectedRef[] {
  const found: CollectedRef[] = [];
  walk(expr, [], found);
  return found;
}

function walk(value: unknown, location: PathSegment[], found: CollectedRef[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      walk(item, [...location, index], found);
    });
    return;
  }
  if (!isRecord(value)) return;
  const operator = operatorOf(value);
  if (operator === "$literal") return;
  if (operator === "$ref") {
    if (typeof value.$ref === "string") found.push({ path: value.$ref, location, kind: "ref" });
    return;
  }
  if (operator === "$template") {
    if (typeof value.$template !== "string") return;
    for (const path of templatePlaceholders(value.$template)) {
      found.push({ path, location, kind: "template" });
    }
    return;
  }
  for (const [key, member] of Object.entries(value)) walk(member, [...location, key], found);
}

/**
 * The step ids a step's bindings read from (inputs only; config holds literals), sorted and
 * unique. Invalid paths are ignored here; validation reports them.
 *
 * @example
 * ```ts
 * import { stepDependenciesOf, type StepIR } from "@ordo/core";
 * declare const step: StepIR; // inputs: { docs: { $ref: "steps.retrieve.output.documents" } }
 * stepDependenciesOf(step); // ["retrieve"]
 * ```
 */
export function stepDependenciesOf(step: Pick<StepIR, "inputs">): string[] {
  const ids = new Set<string>();
  for (const expr of Object.values(step.inputs)) {
    for (const ref of collectRefs(expr)) {
      const target = tryParse(ref.path);
      if (target?.source === "step") ids.add(target.stepId);
    }
  }
  return [...ids].sort();
}

function tryParse(path: string): RefTarget | undefined {
  try {
    return parseRefPath(path);
  } catch {
    return undefined;
  }
}

/** Read `path` inside `root`; `undefined` when any segment is missing. */
function readPath(root: JsonValue | undefined, path: PathSegment[]): JsonValue | undefined {
  let current: JsonValue | undefined = root;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === "number") current = current[segment];
    else if (isRecord(current) && Object.hasOwn(current, String(segment))) {
      current = current[String(segment)];
    } else return undefined;
  }
  return current;
}

/**
 * Read one binding path from the scope. A path that does not exist resolves to `null`.
 *
 * @throws OrdoError `IR_BINDING_INVALID` for a malformed path.
 *
 * @example
 * ```ts
 * import { resolveRef } from "@ordo/core";
 * resolveRef("steps.a.output.items.1", { input: {}, steps: { a: { items: [1, 2] } } }); // 2
 * ```
 */
export function resolveRef(path: string, scope: BindingScope): JsonValue {
  const target = parseRefPath(path);
  const root = target.source === "input" ? scope.input : scope.steps[target.stepId];
  return readPath(root, target.path) ?? null;
}

/** Text of a value inside a template: strings as is, null/missing as "", objects as JSON. */
function renderText(value: JsonValue): string {
  if (value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Evaluate a value expression: `$ref` reads the scope (missing -> `null`), `$template` renders
 * placeholders (strings as is, numbers/booleans with `String`, objects and arrays as JSON,
 * `null` or missing as the empty string), `$literal` returns its content unchanged, arrays and
 * objects are evaluated member by member.
 *
 * @throws OrdoError `IR_BINDING_INVALID` for a malformed path.
 *
 * @example
 * ```ts
 * import { resolveValue } from "@ordo/core";
 * resolveValue(
 *   { prompt: { $template: "Q: {{input.q}}" }, docs: { $ref: "steps.r.output.docs" } },
 *   { input: { q: "why?" }, steps: { r: { docs: ["d1"] } } },
 * ); // { prompt: "Q: why?", docs: ["d1"] }
 * ```
 */
export function resolveValue(expr: ValueExpr, scope: BindingScope): JsonValue {
  if (Array.isArray(expr)) return expr.map((item: ValueExpr) => resolveValue(item, scope));
  if (!isRecord(expr)) return expr as JsonValue;
  const node = expr as Record<string, unknown>;
  const operator = operatorOf(node);
  if (operator === "$literal") return node.$literal as JsonValue;
  if (operator === "$ref") return resolveRef(node.$ref as string, scope);
  if (operator === "$template") {
    return (node.$template as string).replace(PLACEHOLDER, (_match, inner: string) =>
      renderText(resolveRef(inner.trim(), scope)),
    );
  }
  const result: Record<string, JsonValue> = {};
  for (const [key, member] of Object.entries(node)) {
    result[key] = resolveValue(member as ValueExpr, scope);
  }
  return result;
}

/** An expression object that looks like a `$ref`/`$template`/`$literal` node but is not one. */
export interface MalformedExpression {
  readonly location: PathSegment[];
  readonly reason: string;
}

const OPERATORS = ["$ref", "$template", "$literal"] as const;

/**
 * Objects inside an expression that carry an operator key but are not a valid operator node
 * (extra keys, a non-string or empty `$ref`, a non-string `$template`). The IR schema accepts
 * them as plain data objects, which would silently pass `{ "$ref": ... }` through as text;
 * validation reports them instead. `$literal` content is not searched.
 *
 * @example
 * ```ts
 * import { malformedExpressions } from "@ordo/core";
 * malformedExpressions({ a: { $ref: "input.x", extra: 1 } });
 * // [{ location: ["a"], reason: "an object with $ref must have no other key ..." }]
 * ```
 */
export function malformedExpressions(expr: unknown): MalformedExpression[] {
  const found: MalformedExpression[] = [];
  const visit = (value: unknown, location: PathSegment[]): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(item, [...location, index]);
      });
      return;
    }
    if (!isRecord(value)) return;
    const operator = OPERATORS.find((key) => Object.hasOwn(value, key));
    if (operator !== undefined) {
      const reason = operatorProblem(value, operator);
      if (reason !== undefined) found.push({ location, reason });
      if (operator === "$literal" || reason === undefined) return;
    }
    for (const [key, member] of Object.entries(value)) visit(member, [...location, key]);
  };
  visit(expr, []);
  return found;
}

function operatorProblem(value: Record<string, unknown>, operator: string): string | undefined {
  if (Object.keys(value).length !== 1) {
    return `an object with ${operator} must have no other key; wrap data in { "$literal": ... }`;
  }
  const inner = value[operator];
  if (operator === "$ref" && (typeof inner !== "string" || inner.length === 0)) {
    return "$ref must be a non-empty binding path string";
  }
  if (operator === "$template" && typeof inner !== "string") return "$template must be a string";
  return undefined;
}
