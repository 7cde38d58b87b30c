/**
 * Per-step checks: bindings (syntax, source step, ancestry, field, type), required and unknown
 * inputs, config keys, and the pipeline output mapping.
 */
import {
  type CollectedRef,
  collectRefs,
  malformedExpressions,
  type PathSegment,
  parseRefPath,
  type RefTarget,
} from "./bindings.js";
import { isOrdoError } from "./errors.js";
import type { ValueExpr } from "./ir.js";
import type { JsonSchema, JsonValue } from "./json.js";
import { formatJsonPath } from "./json-path.js";
import { deref, isObject, schemaAtPath } from "./json-schema.js";
import { isSchemaAssignable } from "./schema-assignable.js";
import { didYouMean } from "./suggest.js";
import type { IrIssue, PipelineView, StepView } from "./validate-view.js";

type Ancestors = (step: StepView) => ReadonlySet<string>;

/** @internal Ancestor sets through dependsOn, memoised; cycles terminate through the seen set. */
export function ancestorLookup(view: PipelineView): Ancestors {
  const cache = new Map<StepView, Set<string>>();
  return (step) => {
    const cached = cache.get(step);
    if (cached !== undefined) return cached;
    const seen = new Set<string>();
    const stack = step.dependsOn.filter((dep): dep is string => dep !== undefined);
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const dep of view.byId.get(id)?.dependsOn ?? []) if (dep !== undefined) stack.push(dep);
    }
    cache.set(step, seen);
    return seen;
  };
}

function tryParse(path: string): RefTarget | string {
  try {
    return parseRefPath(path);
  } catch (error) {
    return isOrdoError(error) ? error.message : String(error);
  }
}

/** @internal Short description of a schema for messages: its type(s), const or enum. */
export function describeSchema(schema: JsonSchema): string {
  const node = deref(schema, schema);
  if (!isObject(node)) return node === false ? "nothing" : "any";
  if (Object.hasOwn(node, "const")) return JSON.stringify(node.const);
  if (Array.isArray(node.enum)) return node.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (typeof node.type === "string") return node.type;
  if (Array.isArray(node.type)) return node.type.join(" | ");
  for (const key of ["anyOf", "oneOf"] as const) {
    const list = node[key];
    if (Array.isArray(list)) {
      return list.map((b) => (isObject(b) ? describeSchema(b) : "any")).join(" | ");
    }
  }
  return "any";
}

/** Names of the properties a schema declares (for hints). */
function propertyNames(schema: JsonSchema | undefined): string[] {
  const node = schema === undefined ? undefined : deref(schema, schema);
  const props = isObject(node) ? node.properties : undefined;
  return isObject(props) ? Object.keys(props) : [];
}

/** Where a path stops existing in a schema, with a hint from the fields that do exist there. */
function missingFieldHint(schema: JsonSchema, path: readonly PathSegment[]): string {
  for (let depth = 0; depth < path.length; depth++) {
    if (schemaAtPath(schema, path.slice(0, depth + 1)) !== undefined) continue;
    const parent = schemaAtPath(schema, path.slice(0, depth));
    const names = propertyNames(parent);
    const segment = String(path[depth]);
    const known = names.length > 0 ? ` (fields there: ${names.join(", ")})` : "";
    return `'${segment}' does not exist${didYouMean(segment, names) || known}`;
  }
  return "the field does not exist";
}

interface RefContext {
  readonly view: PipelineView;
  /** The step holding the binding; `undefined` for the pipeline output mapping. */
  readonly step: StepView | undefined;
  readonly ancestors: Ancestors;
  readonly location: PathSegment[];
}

/** Checks one reference; returns the source schema at its path when it could be determined. */
function checkRef(ref: CollectedRef, ctx: RefContext, issues: IrIssue[]): JsonSchema | undefined {
  const path = formatJsonPath([...ctx.location, ...ref.location]);
  const target = tryParse(ref.path);
  if (typeof target === "string") {
    issues.push({ code: "IR_BINDING_INVALID", path, message: target });
    return undefined;
  }
  let source: JsonSchema | undefined = ctx.view.inputSchema;
  let where = "the pipeline input schema";
  if (target.source === "step") {
    const from = ctx.view.byId.get(target.stepId);
    if (from === undefined) {
      issues.push({
        code: ctx.step === undefined ? "IR_UNKNOWN_OUTPUT_STEP" : "IR_BINDING_UNKNOWN_STEP",
        path,
        message: `binding "${ref.path}" reads step '${target.stepId}', which is not a step of this pipeline${didYouMean(target.stepId, ctx.view.byId.keys())}`,
      });
      return undefined;
    }
    if (ctx.step !== undefined && !ctx.ancestors(ctx.step).has(target.stepId)) {
      issues.push({
        code: "IR_BINDING_NOT_ANCESTOR",
        path,
        message: `step '${ctx.step.id}' binds "${ref.path}" but '${target.stepId}' is not among its (transitive) dependencies, so it may not have run; add '${target.stepId}' to dependsOn`,
      });
      return undefined;
    }
    source = from.outputSchema;
    where = `the output schema of step '${target.stepId}'`;
  }
  if (source === undefined) return undefined;
  const at = schemaAtPath(source, target.path);
  if (at === undefined) {
    issues.push({
      code: "IR_BINDING_UNKNOWN_FIELD",
      path,
      message: `binding "${ref.path}" names a field ${where} does not have: ${missingFieldHint(source, target.path)}`,
    });
  }
  return at;
}

function checkType(
  ref: CollectedRef,
  sourceAt: JsonSchema,
  inputSchema: JsonSchema,
  location: PathSegment[],
  issues: IrIssue[],
): void {
  const target = schemaAtPath(inputSchema, location.slice(3));
  if (target === undefined) return;
  const given: JsonSchema = ref.kind === "template" ? { type: "string" } : sourceAt;
  if (isSchemaAssignable(given, target)) return;
  const what =
    ref.kind === "template" ? "a template (text)" : `"${ref.path}" (${describeSchema(given)})`;
  issues.push({
    code: "IR_BINDING_TYPE_MISMATCH",
    path: formatJsonPath(location),
    message: `${what} does not fit the step input, which expects ${describeSchema(target)}`,
  });
}

function checkExpression(
  expr: unknown,
  ctx: RefContext,
  inputSchema: JsonSchema | undefined,
  issues: IrIssue[],
): void {
  const malformed = new Set<string>();
  for (const bad of malformedExpressions(expr)) {
    const path = formatJsonPath([...ctx.location, ...bad.location]);
    malformed.add(path);
    issues.push({ code: "IR_BINDING_INVALID", path, message: bad.reason });
  }
  const typedTemplates = new Set<string>();
  for (const ref of collectRefs(expr as ValueExpr)) {
    // Already reported as a malformed expression (e.g. an empty `$ref`).
    if (malformed.has(formatJsonPath([...ctx.location, ...ref.location]))) continue;
    const at = checkRef(ref, ctx, issues);
    if (at === undefined || inputSchema === undefined) continue;
    const location = [...ctx.location, ...ref.location];
    if (ref.kind === "template") {
      // One type check per template, however many placeholders it has.
      const key = formatJsonPath(location);
      if (typedTemplates.has(key)) continue;
      typedTemplates.add(key);
    }
    checkType(ref, at, inputSchema, location, issues);
  }
}

/** Required property names of an object schema (top level and `allOf` branches). */
function requiredOf(schema: JsonSchema): string[] {
  const node = deref(schema, schema);
  if (!isObject(node)) return [];
  const own = Array.isArray(node.required) ? node.required : [];
  const nested = Array.isArray(node.allOf)
    ? node.allOf.flatMap((b) =>
        isObject(b) ? requiredOf({ ...b, $defs: schema.$defs ?? {} }) : [],
      )
    : [];
  return [...own, ...nested].filter((name): name is string => typeof name === "string");
}

function checkKeys(
  values: Readonly<Record<string, unknown>>,
  schema: JsonSchema,
  where: PathSegment[],
  codes: { missing: IrIssue["code"]; unknown: IrIssue["code"] },
  issues: IrIssue[],
): void {
  const label = where[where.length - 1] === "config" ? "config key" : "input";
  for (const name of new Set(requiredOf(schema))) {
    if (Object.hasOwn(values, name)) continue;
    issues.push({
      code: codes.missing,
      path: formatJsonPath([...where, name]),
      message: `required ${label} '${name}' is missing (the step's schema requires it)`,
    });
  }
  for (const name of Object.keys(values)) {
    if (schemaAtPath(schema, [name]) !== undefined) continue;
    issues.push({
      code: codes.unknown,
      path: formatJsonPath([...where, name]),
      message: `${label} '${name}' is not declared by the step's schema${didYouMean(name, propertyNames(schema)) || ` (declared: ${propertyNames(schema).join(", ")})`}`,
    });
  }
}

function checkConfigTypes(step: StepView, schema: JsonSchema, issues: IrIssue[]): void {
  for (const [name, value] of Object.entries(step.config)) {
    const target = schemaAtPath(schema, [name]);
    if (target === undefined || value === undefined) continue;
    if (isSchemaAssignable({ const: value as JsonValue }, target)) continue;
    issues.push({
      code: "IR_INVALID_CONFIG",
      path: formatJsonPath(["steps", step.index, "config", name]),
      message: `config '${name}' is ${JSON.stringify(value)}, but the step expects ${describeSchema(target)}`,
    });
  }
}

/** Config holds literals: a `$ref`/`$template` there would silently stay unresolved text. */
function checkConfigBindings(step: StepView, issues: IrIssue[]): void {
  for (const [name, value] of Object.entries(step.config)) {
    for (const ref of collectRefs(value as ValueExpr)) {
      issues.push({
        code: "IR_INVALID_CONFIG",
        path: formatJsonPath(["steps", step.index, "config", name, ...ref.location]),
        message: `config is not resolved: "${ref.path}" would reach the plugin as a literal object; move the binding to the step inputs`,
      });
    }
  }
}

/** @internal Every per-step and output-mapping issue. */
export function checkSteps(view: PipelineView): IrIssue[] {
  const issues: IrIssue[] = [];
  const ancestors = ancestorLookup(view);
  for (const step of view.steps) {
    const where: PathSegment[] = ["steps", step.index, "inputs"];
    for (const [name, expr] of Object.entries(step.inputs)) {
      const ctx = { view, step, ancestors, location: [...where, name] };
      checkExpression(expr, ctx, step.inputSchema, issues);
    }
    if (step.inputSchema !== undefined) {
      const codes = { missing: "IR_MISSING_REQUIRED_INPUT", unknown: "IR_UNKNOWN_INPUT" } as const;
      checkKeys(step.inputs, step.inputSchema, where, codes, issues);
    }
    checkConfigBindings(step, issues);
    if (step.configSchema !== undefined) {
      const codes = { missing: "IR_INVALID_CONFIG", unknown: "IR_INVALID_CONFIG" } as const;
      checkKeys(step.config, step.configSchema, ["steps", step.index, "config"], codes, issues);
      checkConfigTypes(step, step.configSchema, issues);
    }
  }
  for (const [name, expr] of Object.entries(view.output ?? {})) {
    const ctx = { view, step: undefined, ancestors, location: ["output", name] };
    checkExpression(expr, ctx, undefined, issues);
  }
  return issues;
}
