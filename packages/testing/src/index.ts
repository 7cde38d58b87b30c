/**
 * @packageDocumentation
 * @ordo/testing (work in progress).
 */
export const PACKAGE = "@ordo/testing";
