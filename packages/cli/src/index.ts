/**
 * @packageDocumentation
 * @ordo/cli (work in progress).
 */
export const PACKAGE = "@ordo/cli";
