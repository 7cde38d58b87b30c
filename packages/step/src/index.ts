/**
 * @packageDocumentation
 * @ordo/step (work in progress).
 */
export const PACKAGE = "@ordo/step";
