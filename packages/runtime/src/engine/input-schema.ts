/**
 * Pipeline input validation from the IR's JSON Schema, through zod 4's `z.fromJSONSchema`.
 * Two gaps of the converter are closed here: `required` names missing from `properties` are
 * ignored by it (we add them as `{}` so they stay required), and keywords it cannot express make
 * it throw (then the input is accepted unchecked rather than refusing every start).
 */
import { hasLoneSurrogate, type JsonSchema, type JsonValue, OrdoError } from "@ordo/core";
import { z } from "zod";

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Copy of `schema` where every `required` name also appears in `properties`. */
export function normalizeRequired(schema: JsonValue): JsonValue {
  if (Array.isArray(schema)) return schema.map(normalizeRequired);
  if (!isObject(schema)) return schema;
  const out: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(schema)) out[key] = normalizeRequired(value);
  if (Array.isArray(out.required)) {
    const properties = isObject(out.properties) ? { ...out.properties } : {};
    for (const name of out.required) {
      if (typeof name === "string" && !(name in properties)) properties[name] = {};
    }
    out.properties = properties;
  }
  return out;
}

/** A zod validator for a JSON Schema (see module doc for the fallbacks). */
export function validatorFor(schema: JsonSchema): z.ZodType {
  try {
    return z.fromJSONSchema(normalizeRequired(schema) as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    return z.unknown();
  }
}

/** What {@link InputValidators.check} needs of a prepared definition. */
export interface InputDefinition {
  readonly fingerprint: string;
  readonly ir: { readonly name: string; readonly input: JsonSchema };
}

/**
 * Checks pipeline inputs against their definition's input schema, compiling one validator per
 * definition fingerprint (kept as long as the owner: a client or a run queue).
 *
 * @example
 * ```ts
 * const inputs = new InputValidators();
 * inputs.check(prepareDefinition(ir), { question: "why?" }); // throws INPUT_INVALID on a mismatch
 * ```
 */
export class InputValidators {
  private readonly byFingerprint = new Map<string, z.ZodType>();

  /** Throws `OrdoError` `INPUT_INVALID` (`details.issues`: path and message of each problem). */
  check(def: InputDefinition, input: JsonValue): void {
    let validator = this.byFingerprint.get(def.fingerprint);
    if (validator === undefined) {
      validator = validatorFor(def.ir.input);
      this.byFingerprint.set(def.fingerprint, validator);
    }
    const parsed = validator.safeParse(input);
    if (parsed.success) {
      assertWellFormed(def.ir.name, input, "input");
      return;
    }
    throw new OrdoError(
      "INPUT_INVALID",
      `Input of pipeline '${def.ir.name}' is invalid: ${z.prettifyError(parsed.error)}`,
      {
        details: {
          issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        },
      },
    );
  }
}

/**
 * Refuses a string or key with a lone surrogate anywhere in `value`: it has no UTF-8 form, so the
 * execution could get no fingerprint and its payloads no content hash (canonical JSON, RFC 8785,
 * rejects it). Refused at start, where the caller can still fix it, not at finalization.
 */
function assertWellFormed(pipeline: string, value: unknown, path: string): void {
  if (typeof value === "string") {
    if (hasLoneSurrogate(value)) throw loneSurrogate(pipeline, path);
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) assertWellFormed(pipeline, v, `${path}[${i}]`);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (hasLoneSurrogate(key))
        throw loneSurrogate(pipeline, `${path} key ${JSON.stringify(key)}`);
      assertWellFormed(pipeline, v, `${path}.${key}`);
    }
  }
}

function loneSurrogate(pipeline: string, path: string): OrdoError {
  return new OrdoError(
    "INPUT_INVALID",
    `Input of pipeline '${pipeline}' is invalid: ${path} contains a lone surrogate (not valid Unicode text).`,
    { details: { issues: [{ path, message: "lone surrogate" }] } },
  );
}
