/**
 * Typed references: what `$.input.x` and `$.steps.<id>.output.y` evaluate to inside a binding
 * callback. At run time a reference is a Proxy that records its dot path; at compile time it is a
 * `Ref<T>` carrying the type of the value it points at. Nothing of the callback survives: the
 * builder turns references into IR `{ "$ref": path }` expressions (see `./values.ts`).
 */
import { OrdoError } from "@ordo/core";

/** Phantom key carrying a reference's value type. Never present at run time. */
declare const refType: unique symbol;
/** Phantom key marking a template. Never present at run time. */
declare const templateType: unique symbol;

/** Run-time key holding a reference's path (`input.question`, `steps.a.output.items.0`). */
export const REF_PATH: unique symbol = Symbol.for("ordo.ref.path");
/** Run-time key holding a template's IR text (`"Q: {{input.question}}"`). */
export const TEMPLATE_TEXT: unique symbol = Symbol.for("ordo.template.text");

type Primitive = string | number | boolean | bigint | symbol | null | undefined;
type Nullish<T> = Extract<T, null | undefined>;
/**
 * Literal indices typed as present (`items[0]`), so `noUncheckedIndexedAccess` does not force a
 * `!`; a missing element resolves to `null` at run time. Higher indices use the index signature.
 */
type Index = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15;

/** Navigation of a reference: fields of objects, indices of arrays, nothing on primitives. */
type RefFields<T> = [NonNullable<T>] extends [readonly (infer E)[]]
  ? { readonly [I in Index]: Reference<E | Nullish<T>> } & {
      readonly [index: number]: Reference<E | Nullish<T>>;
    }
  : [NonNullable<T>] extends [Primitive]
    ? unknown
    : { readonly [K in keyof NonNullable<T>]-?: Reference<NonNullable<T>[K] | Nullish<T>> };

/**
 * A typed reference to a value of type `T` that exists only when the pipeline runs: what a
 * binding callback passes where a step input of a compatible type is expected. A reference to an
 * optional field is a `Ref<X | undefined>`: it does not fit a required input.
 *
 * @example
 * ```ts
 * rag.retrieve(($) => ({ query: $.input.question })); // $.input.question: Ref<string>
 * // IR: inputs: { query: { $ref: "input.question" } }
 * ```
 */
export interface Ref<T> {
  readonly [refType]: T;
}

/**
 * A {@link Ref} you can navigate like the value: `ref.items[0].id` is a `Ref` to that field
 * (IR path `...items.0.id`). This is the type of `$.input` and `$.steps.<id>.output`.
 *
 * @example
 * ```ts
 * llm(($) => ({ prompt: $.steps.retrieve.output.documents[0].text }));
 * // IR: inputs: { prompt: { $ref: "steps.retrieve.output.documents.0.text" } }
 * ```
 */
export type Reference<T> = Ref<T> & RefFields<T>;

/**
 * The value type a reference points at.
 *
 * @example
 * ```ts
 * type S = RefValue<Ref<string>>; // string
 * ```
 */
export type RefValue<R> = R extends { readonly [refType]: infer V } ? V : never;

/**
 * The result of `$.template\`...\``: a string built from text and references at run time.
 *
 * @example
 * ```ts
 * llm(($) => ({ prompt: $.template`Summarise ${$.steps.fetch.output.body}` }));
 * // IR: inputs: { prompt: { $template: "Summarise {{steps.fetch.output.body}}" } }
 * ```
 */
export interface Template {
  readonly [templateType]: string;
}

/**
 * What may be interpolated into `$.template`: a reference or a literal scalar (rendered as text).
 *
 * @example
 * ```ts
 * $.template`${$.input.name} has ${3} tries`; // { $template: "{{input.name}} has 3 tries" }
 * ```
 */
export type TemplateValue = Ref<unknown> | string | number | boolean;

/**
 * The tagged-template function `$.template`. Objects and arrays referenced in a template render
 * as JSON text at run time.
 *
 * @example
 * ```ts
 * $.template`Q: ${$.input.q}`; // { $template: "Q: {{input.q}}" }
 * ```
 */
export type TemplateTag = (strings: TemplateStringsArray, ...values: TemplateValue[]) => Template;

/**
 * The typed scope `$` a binding callback receives: the pipeline input, the outputs of steps
 * defined earlier, `template` for string interpolation, and `ref(path)` as an untyped escape hatch.
 * Reading `$.steps.<id>` of a step not added before fails tsc (and throws
 * `IR_BINDING_UNKNOWN_STEP` when types are bypassed).
 *
 * @example
 * ```ts
 * .step("answer", llm(($) => ({ prompt: $.template`${$.input.q}`, context: $.steps.ctx.output.context })))
 * // IR: dependsOn: ["ctx"], inputs: { prompt: { $template: "{{input.q}}" },
 * //      context: { $ref: "steps.ctx.output.context" } }
 * ```
 */
export interface Scope<TInput, TSteps> {
  readonly input: Reference<TInput>;
  readonly steps: { readonly [K in keyof TSteps]: { readonly output: Reference<TSteps[K]> } };
  /**
   * Builds a string from text and references: `{ "$template": "Q: {{input.question}}" }` in the IR.
   * @example `$.template\`Answer ${$.input.question}\``
   */
  readonly template: TemplateTag;
  /**
   * Escape hatch: a reference by raw IR path, e.g. `$.ref<string>("steps.a.output.then")` for a
   * field name the typed navigation cannot reach (`then`, `toJSON`).
   */
  readonly ref: <T = unknown>(path: string) => Reference<T>;
}

/**
 * True when `value` is a reference created by a scope.
 *
 * @example
 * ```ts
 * use(plugin, ($) => {
 *   isRef($.input.q); // true
 *   return { text: $.input.q };
 * });
 * ```
 */
export function isRef(value: unknown): value is Ref<unknown> {
  return refPathOf(value) !== undefined;
}

/** The IR path of a reference, or `undefined` when `value` is not one. */
export function refPathOf(value: unknown): string | undefined {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) {
    return undefined;
  }
  const path = (value as { [REF_PATH]?: unknown })[REF_PATH];
  return typeof path === "string" ? path : undefined;
}

/** The IR text of a template, or `undefined` when `value` is not one. */
export function templateTextOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const text = (value as { [TEMPLATE_TEXT]?: unknown })[TEMPLATE_TEXT];
  return typeof text === "string" ? text : undefined;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** Creates a run-time reference for `path`; property access extends the path. */
export function makeRef(path: string): Reference<unknown> {
  const handler: ProxyHandler<object> = {
    get(_target, key) {
      if (key === REF_PATH) return path;
      if (key === Symbol.toPrimitive) return () => refToPrimitive(path);
      if (key === INSPECT || key === "toJSON") return () => ({ $ref: path });
      // Not thenable: `await ref` or returning a ref from an async function must not call it.
      if (typeof key === "symbol" || key === "then") return undefined;
      return makeRef(`${path}.${checkSegment(path, key)}`);
    },
    has: (_target, key) => key === REF_PATH,
    // Spreading or enumerating a reference would silently yield `{}`: its fields exist only at
    // run time. Fail loudly instead.
    ownKeys: () => refNotEnumerable(path),
    set: () => refIsReadOnly(path),
    defineProperty: () => refIsReadOnly(path),
    deleteProperty: () => refIsReadOnly(path),
  };
  return new Proxy(Object.create(null), handler) as Reference<unknown>;
}

function checkSegment(path: string, key: string): string {
  if (key.length === 0 || key.includes(".") || key.includes("{") || key.includes("}")) {
    throw new OrdoError(
      "IR_BINDING_INVALID",
      `cannot reference field '${key}' of '${path}': IR paths cannot contain empty names, '.', '{' or '}'`,
      { details: { path, field: key } },
    );
  }
  return key;
}

function refToPrimitive(path: string): never {
  throw new OrdoError(
    "IR_BINDING_INVALID",
    `'${path}' is a reference to a value that exists only at run time; it cannot be converted to a string now. Use $.template\`...\` to build strings from references`,
    { details: { path } },
  );
}

function refNotEnumerable(path: string): never {
  throw new OrdoError(
    "IR_BINDING_INVALID",
    `reference '${path}' cannot be spread or enumerated (its fields exist only at run time); name each field, e.g. { text: $.${path}.text }`,
    { details: { path } },
  );
}

function refIsReadOnly(path: string): never {
  throw new OrdoError("IR_BINDING_INVALID", `reference '${path}' is read-only`, {
    details: { path },
  });
}

/**
 * `$.template`: joins text and references into an IR template. Literal text may not contain `{{`
 * (the IR's placeholder syntax); interpolate it as a value of a reference instead.
 */
export const template: TemplateTag = (strings, ...values) => {
  let text = "";
  strings.forEach((part, index) => {
    text += literalText(part);
    if (index < values.length) {
      const value = values[index];
      const path = refPathOf(value);
      text += path === undefined ? literalText(scalarText(value)) : `{{${path}}}`;
    }
  });
  return Object.freeze({ [TEMPLATE_TEXT]: text }) as unknown as Template;
};

function scalarText(value: unknown): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  throw new OrdoError(
    "IR_BINDING_INVALID",
    `$.template accepts references, strings, numbers and booleans; got ${value === null ? "null" : typeof value}`,
  );
}

function literalText(text: string): string {
  if (text.includes("{{")) {
    throw new OrdoError(
      "IR_BINDING_INVALID",
      `template text cannot contain '{{' (the IR placeholder syntax): ${JSON.stringify(text)}`,
    );
  }
  return text;
}

/** Creates the run-time scope `$` for a step; `knownSteps` are the ids defined before it. */
export function makeScope(
  knownSteps: ReadonlySet<string>,
  forWhat: string,
): Scope<unknown, Record<string, unknown>> {
  const steps = new Proxy(Object.create(null), {
    get(_target, id) {
      if (typeof id === "symbol" || id === "then") return undefined;
      if (!knownSteps.has(id)) {
        const known = [...knownSteps].map((s) => `'${s}'`).join(", ") || "none";
        throw new OrdoError(
          "IR_BINDING_UNKNOWN_STEP",
          `${forWhat} references step '${id}', which is not defined before it (defined: ${known}). Add it with .step() first`,
          { details: { stepId: id } },
        );
      }
      return Object.freeze({ output: makeRef(`steps.${id}.output`) });
    },
    has: (_target, id) => typeof id === "string" && knownSteps.has(id),
    ownKeys: () => [...knownSteps],
    getOwnPropertyDescriptor: (_target, id) =>
      typeof id === "string" && knownSteps.has(id)
        ? { configurable: true, enumerable: true, writable: false, value: undefined }
        : undefined,
  });
  return Object.freeze({
    input: makeRef("input"),
    steps,
    template,
    ref: (path: string) => makeRef(path),
  }) as Scope<unknown, Record<string, unknown>>;
}
