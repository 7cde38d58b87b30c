/**
 * @packageDocumentation
 * @ordo/analyze (work in progress).
 */
export const PACKAGE = "@ordo/analyze";
