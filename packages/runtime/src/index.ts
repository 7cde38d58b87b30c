/**
 * @packageDocumentation
 * @ordo/runtime (work in progress).
 */
export const PACKAGE = "@ordo/runtime";
