/**
 * @packageDocumentation
 * @ordo/step-http (work in progress).
 */
export const PACKAGE = "@ordo/step-http";
