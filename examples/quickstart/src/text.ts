/**
 * Text helpers shared by the quick start's plugins: tokenising and BM25 scoring. Plain code, so
 * every step of the example does real work on its input.
 */
import { STOPWORDS } from "./knowledge.js";

/**
 * Lower-cased content words of `text`, with a light suffix strip so "keys" matches "key" and
 * "rotating" matches "rotation" ("rotat").
 */
export function terms(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 1 && !STOPWORDS.has(word))
    .map(stem);
}

function stem(word: string): string {
  for (const suffix of ["ation", "ing", "ed", "es", "s"]) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) {
      return word.slice(0, -suffix.length);
    }
  }
  return word;
}

/** A document prepared for BM25: its terms and their counts. */
export interface IndexedDoc {
  readonly terms: readonly string[];
  readonly counts: ReadonlyMap<string, number>;
}

/** Indexes documents for {@link bm25}. */
export function indexDocs(texts: readonly string[]): IndexedDoc[] {
  return texts.map((text) => {
    const words = terms(text);
    const counts = new Map<string, number>();
    for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
    return { terms: words, counts };
  });
}

/**
 * Okapi BM25 score of every document for `query` (k1 = 1.2, b = 0.75), in document order.
 * A document sharing no term with the query scores 0.
 */
export function bm25(query: readonly string[], docs: readonly IndexedDoc[]): number[] {
  const k1 = 1.2;
  const b = 0.75;
  const avgLength = docs.reduce((sum, doc) => sum + doc.terms.length, 0) / Math.max(1, docs.length);
  const unique = [...new Set(query)];
  const idf = new Map(
    unique.map((term) => {
      const n = docs.filter((doc) => doc.counts.has(term)).length;
      return [term, Math.log(1 + (docs.length - n + 0.5) / (n + 0.5))] as const;
    }),
  );
  return docs.map((doc) => {
    let score = 0;
    for (const term of unique) {
      const tf = doc.counts.get(term) ?? 0;
      if (tf === 0) continue;
      const norm = tf + k1 * (1 - b + (b * doc.terms.length) / avgLength);
      score += (idf.get(term) ?? 0) * ((tf * (k1 + 1)) / norm);
    }
    return score;
  });
}

/** Splits text into sentences (on `.`, `!`, `?` followed by a space or the end). */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}
