/**
 * @packageDocumentation
 * @ordo/sdk (work in progress).
 */
export const PACKAGE = "@ordo/sdk";
