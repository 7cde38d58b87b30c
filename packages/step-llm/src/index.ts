/**
 * @packageDocumentation
 * @ordo/step-llm (work in progress).
 */
export const PACKAGE = "@ordo/step-llm";
