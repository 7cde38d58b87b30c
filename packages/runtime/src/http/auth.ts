/**
 * Bearer-token check for the HTTP adapter. Tokens are compared in constant time (SHA-256 digests
 * of equal length through `timingSafeEqual`), so response timing does not leak how many leading
 * characters of a guess were right, nor the token's length.
 */
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** A checker over the accepted tokens (several allow rotation without downtime). */
export function bearerChecker(tokens: readonly string[]): (header: string | undefined) => boolean {
  const accepted = tokens.filter((t) => t.length > 0).map(digest);
  if (accepted.length === 0) {
    throw new Error("The HTTP adapter needs at least one non-empty bearer token.");
  }
  return (header) => {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "");
    const presented = digest(match?.[1] ?? "");
    let ok = false;
    // Compare against every token (no early exit) so timing does not reveal which one matched.
    for (const token of accepted) ok = timingSafeEqual(presented, token) || ok;
    return ok && match !== null;
  };
}
