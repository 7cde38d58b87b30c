/** JSON paths in issue reports: `$.steps[1].dependsOn[0]`, `$.input.properties["my key"]`. */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Format path segments as a JSON path: identifier keys with a dot, other keys quoted in brackets,
 * numbers as array indices.
 *
 * @example
 * ```ts
 * import { formatJsonPath } from "@ordo/core";
 * formatJsonPath(["steps", 1, "inputs", "my key"]); // '$.steps[1].inputs["my key"]'
 * formatJsonPath([]); // "$"
 * ```
 */
export function formatJsonPath(segments: readonly PropertyKey[]): string {
  let path = "$";
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else if (typeof segment === "string" && IDENTIFIER.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(String(segment))}]`;
  }
  return path;
}
