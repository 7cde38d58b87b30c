/**
 * @packageDocumentation
 * @ordo/step-rag (work in progress).
 */
export const PACKAGE = "@ordo/step-rag";
