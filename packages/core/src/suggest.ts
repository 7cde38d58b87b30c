/** "Did you mean" hints for misspelt ids and field names in validation messages. */

/** Levenshtein distance, capped: returns `limit + 1` as soon as the distance exceeds `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}

/**
 * `; did you mean 'x'?` for the closest candidate within an edit distance of a third of the
 * name's length (at least 1, at most 3), or `""` when nothing is close. Ties: first candidate.
 *
 * @example
 * ```ts
 * didYouMean("retreive", ["retrieve", "answer"]); // "; did you mean 'retrieve'?"
 * ```
 */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const d = distance(name.toLowerCase(), candidate.toLowerCase(), limit);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best === undefined ? "" : `; did you mean '${best}'?`;
}
