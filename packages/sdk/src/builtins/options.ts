/**
 * Shared plumbing of the built-in factories: built-ins take their config and the common step
 * options in one flat object (`llm(bind, { provider, model, policies })`), so configs of
 * built-ins never use the reserved keys `policies`, `trigger` and `metadata`.
 */
import type { StepMetadata } from "@ordo/core";
import type { StepOptions } from "../spec.js";

/** Splits a flat built-in options object into plugin config and step options. */
export function splitOptions(
  options: StepOptions,
  metadata: StepMetadata = {},
): { config: Record<string, unknown>; options: StepOptions } {
  const {
    policies,
    trigger,
    metadata: extra,
    ...config
  } = options as StepOptions & Record<string, unknown>;
  const dropUndefined = Object.fromEntries(
    Object.entries(config).filter(([, v]) => v !== undefined),
  );
  return {
    config: dropUndefined,
    options: {
      ...(policies === undefined ? {} : { policies }),
      ...(trigger === undefined ? {} : { trigger }),
      metadata: { ...metadata, ...extra },
    },
  };
}
