/**
 * Translation of reference binding strings (SEED-SPEC 2.3) to Ordo value expressions.
 *
 * | reference                                   | Ordo                                   |
 * | ------------------------------------------- | -------------------------------------- |
 * | `state.x`, `data.x` (and `*Payload(s).x`)   | `{ "$ref": "input.x" }`                |
 * | `steps.<name>.result.data.<key>...`         | `{ "$ref": "steps.<id>.output.<key>..." }` |
 * | `steps.<name>.result.value[...]`            | `{ "$ref": "steps.<id>.output[...]" }` |
 * | `input.x`, `config.x` (the step's own maps) | the raw sibling value, as a literal    |
 * | anything else with a known prefix           | kept as the literal string + a warning |
 *
 * The reference returns an unresolvable binding unchanged (the raw string), so keeping a string
 * we cannot translate preserves what the reference would have passed, and the warning says so.
 */
import type { JsonValue, ValueExpr } from "@ordo/core";
import { type IssueLog, isObject } from "./reader.js";

/** What a binding translation needs to know about the step it sits in. */
export interface BindingScope {
  /** Reference step name -> Ordo step id, for every step of the pipeline. */
  readonly stepIds: ReadonlyMap<string, string>;
  /** The step's raw `input` and `config` maps (targets of `input.x` / `config.x`). */
  readonly ownInputs: Readonly<Record<string, unknown>>;
  readonly ownConfig: Readonly<Record<string, unknown>>;
  /** Ids of steps referenced by translated bindings (implied dependencies) are added here. */
  readonly referenced: Set<string>;
  readonly log: IssueLog;
}

const PIPELINE_INPUT = [
  "statepayloads.",
  "statepayload.",
  "datapayloads.",
  "datapayload.",
  "state.",
  "data.",
];
const OWN_INPUT = ["current.input.", "inputpayloads.", "inputpayload.", "inputs.", "input."];
const OWN_CONFIG = ["current.config.", "configpayloads.", "configpayload.", "config."];
const UNSUPPORTED = ["metadatapayloads.", "metadatapayload.", "metadata.", "execution."];

function matchPrefix(text: string, prefixes: readonly string[]): string | undefined {
  const lower = text.toLowerCase();
  return prefixes.find((prefix) => lower.startsWith(prefix));
}

/** `a.b[0].c` -> `["a", "b", "0", "c"]`, `[1]` -> `["1"]`; undefined when malformed (empty segment). */
export function splitPath(path: string): string[] | undefined {
  const segments = path
    .replace(/\[(\d+)\]/g, ".$1")
    .replace(/^\./, "")
    .split(".");
  return segments.length > 0 && segments.every((segment) => segment.length > 0)
    ? segments
    : undefined;
}

/** True when a string would be treated as a binding by the reference runtime. */
export function looksLikeBinding(text: string): boolean {
  return (
    matchPrefix(text, [...PIPELINE_INPUT, ...OWN_INPUT, ...OWN_CONFIG, ...UNSUPPORTED]) !==
      undefined || text.toLowerCase().startsWith("steps.")
  );
}

/**
 * Translates one step input value (SEED-SPEC 2.3 resolves only top-level values: nested strings
 * in objects and arrays are literals, as they are in Ordo).
 */
export function translateInput(value: unknown, path: string, scope: BindingScope): ValueExpr {
  if (typeof value !== "string") return literal(value as JsonValue);
  const pipelinePrefix = matchPrefix(value, PIPELINE_INPUT);
  if (pipelinePrefix !== undefined) {
    const segments = splitPath(value.slice(pipelinePrefix.length));
    if (segments) {
      if (pipelinePrefix.includes("payload")) {
        scope.log.warn(
          path,
          `'${value}': payload prefix mapped to input (payloads rehydrate transparently)`,
        );
      }
      return { $ref: ["input", ...segments].join(".") };
    }
  }
  if (value.toLowerCase().startsWith("steps.")) return translateStepRef(value, path, scope);
  const ownInput = matchPrefix(value, OWN_INPUT);
  if (ownInput !== undefined)
    return ownValue(value, ownInput, scope.ownInputs, "input", path, scope);
  const ownConfig = matchPrefix(value, OWN_CONFIG);
  if (ownConfig !== undefined)
    return ownValue(value, ownConfig, scope.ownConfig, "config", path, scope);
  if (matchPrefix(value, UNSUPPORTED) !== undefined) {
    scope.log.warn(path, `binding '${value}' has no Ordo equivalent; kept as a literal string`);
  }
  return value;
}

function translateStepRef(value: string, path: string, scope: BindingScope): ValueExpr {
  // steps.<name>.result.<data|dataPayloads|value>[.<path>]
  const match = /^steps\.([^.[\]]+)\.result(?:\.(data|datapayloads|value)((?:[.[].*)?))?$/i.exec(
    value,
  );
  const name = match?.[1];
  const part = match?.[2]?.toLowerCase();
  if (name === undefined || part === undefined) {
    scope.log.warn(
      path,
      `binding '${value}' cannot be translated (only steps.<name>.result.data.<key> and .result.value map to a step output); kept as a literal string`,
    );
    return value;
  }
  const id = scope.stepIds.get(name) ?? caseInsensitive(scope.stepIds, name);
  if (id === undefined) {
    scope.log.warn(
      path,
      `binding '${value}' references unknown step '${name}'; kept as a literal string (the reference resolves it to the raw string too)`,
    );
    return value;
  }
  const rest = match?.[3] ?? "";
  const segments = rest === "" ? [] : splitPath(rest.startsWith("[") ? rest : rest.slice(1));
  if (segments === undefined) {
    scope.log.warn(path, `binding '${value}' has a malformed path; kept as a literal string`);
    return value;
  }
  if (part === "datapayloads") {
    scope.log.warn(
      path,
      `'${value}': dataPayloads mapped to the step output (payloads rehydrate transparently)`,
    );
  }
  scope.referenced.add(id);
  return { $ref: ["steps", id, "output", ...segments].join(".") };
}

function caseInsensitive(ids: ReadonlyMap<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, id] of ids) if (key.toLowerCase() === lower) return id;
  return undefined;
}

function ownValue(
  value: string,
  prefix: string,
  own: Readonly<Record<string, unknown>>,
  kind: "input" | "config",
  path: string,
  scope: BindingScope,
): ValueExpr {
  const key = value.slice(prefix.length);
  const found = Object.keys(own).find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  if (found === undefined || !/^[^.[]+$/.test(key)) {
    scope.log.warn(
      path,
      `binding '${value}' to the step's own ${kind} cannot be resolved statically; kept as a literal string`,
    );
    return value;
  }
  scope.log.warn(
    path,
    `binding '${value}' to the step's own ${kind} replaced by its raw value (one level, as the reference resolves it)`,
  );
  return literal(own[found] as JsonValue);
}

/** A JSON value as an IR literal; wrapped in `$literal` when it has `$`-keys the IR would read as expressions. */
export function literal(value: JsonValue): ValueExpr {
  return hasDollarKey(value) ? { $literal: value } : value;
}

function hasDollarKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasDollarKey);
  if (!isObject(value)) return false;
  return Object.entries(value).some(([key, inner]) => key.startsWith("$") || hasDollarKey(inner));
}

/**
 * Warns about a top-level config value that the reference would resolve as a binding: IR config
 * holds JSON literals only, so it stays a string (the fix is to move it to the step input).
 */
export function checkConfigValue(value: unknown, path: string, log: IssueLog): void {
  if (typeof value === "string" && looksLikeBinding(value)) {
    log.warn(
      path,
      `config value '${value}' is a binding in the reference; Ordo config is literal, so it stays a string (move it to the step input)`,
    );
  }
}
