/**
 * @packageDocumentation
 * @ordo/core (work in progress).
 */
export const PACKAGE = "@ordo/core";
