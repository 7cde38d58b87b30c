/**
 * Lexicon scoring: pure, synchronous, no I/O. Sum the valence of the words found in the lexicon
 * (a negation within 3 words flips a word's sign, an intensifier scales it), then squash the sum
 * into [-1, 1] with `sum / sqrt(sum^2 + 15)` (VADER's normalisation: one "great" is 0.46, three
 * are 0.84), rounded to 3 decimals and kept within +-0.999.
 */
import { INTENSIFIERS, LEXICON, NEGATION_WINDOW, NEGATIONS } from "./lexicon.js";

/** Options of {@link scoreSentiment}. */
export interface ScoreOptions {
  /** Extra or overriding word valences (lower case), merged over the built-in lexicon. */
  readonly lexicon?: Readonly<Record<string, number>>;
  /** Scores within +-`neutralBand` are `neutral`. Default 0.05. */
  readonly neutralBand?: number;
}

/** A text's sentiment. */
export interface SentimentScore {
  /** In [-1, 1]; 0 when no lexicon word was found. */
  readonly score: number;
  readonly label: "positive" | "negative" | "neutral";
  /** Lexicon words that counted positive (after negation), in text order. */
  readonly positive: string[];
  /** Lexicon words that counted negative (after negation), in text order. */
  readonly negative: string[];
  /** Number of words in the text. */
  readonly words: number;
}

const ALPHA = 15;
/** Scores are rounded to 3 decimals and kept strictly inside (-1, 1). */
const MAX_SCORE = 0.999;

/** Lower-cased words, apostrophes kept (`didn't`). */
function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
}

/**
 * Scores `text` with the built-in lexicon plus `options.lexicon`.
 *
 * @example
 * ```ts
 * scoreSentiment("The kettle is great, really fast."); // { score: 0.67, label: "positive", positive: ["great", "fast"], ... }
 * scoreSentiment("Not good at all.").label; // "negative"
 * ```
 */
export function scoreSentiment(text: string, options: ScoreOptions = {}): SentimentScore {
  const lexicon = { ...LEXICON, ...options.lexicon };
  const band = options.neutralBand ?? 0.05;
  const words = wordsOf(text);
  const positive: string[] = [];
  const negative: string[] = [];
  let sum = 0;
  let negatedFor = 0;
  let factor = 1;
  for (const word of words) {
    const valence = lexicon[word];
    if (NEGATIONS.has(word)) {
      negatedFor = NEGATION_WINDOW;
      continue;
    }
    const intensity = INTENSIFIERS[word];
    if (intensity !== undefined) {
      factor *= intensity;
    } else if (valence !== undefined && valence !== 0) {
      const value = valence * factor * (negatedFor > 0 ? -1 : 1);
      sum += value;
      (value > 0 ? positive : negative).push(word);
      factor = 1;
      negatedFor = 0;
    }
    if (negatedFor > 0) negatedFor -= 1;
  }
  // Rounded to 3 decimals, so clamp: a long rant would otherwise round to exactly -1.
  const squashed = Math.round((sum / Math.sqrt(sum * sum + ALPHA)) * 1000) / 1000;
  const score = Math.min(MAX_SCORE, Math.max(-MAX_SCORE, squashed));
  const label = score > band ? "positive" : score < -band ? "negative" : "neutral";
  return { score, label, positive, negative, words: words.length };
}
