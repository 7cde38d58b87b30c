/**
 * The built-in word list: valence from -3 (very negative) to +3 (very positive), in the spirit of
 * AFINN but small and hand-picked for product reviews. Words are lower case; matching is exact
 * per word (no stemming), so list the inflections you need.
 */
export const LEXICON: Readonly<Record<string, number>> = Object.freeze({
  amazing: 3,
  excellent: 3,
  love: 3,
  loved: 3,
  perfect: 3,
  great: 2,
  happy: 2,
  recommend: 2,
  fast: 1,
  good: 1,
  helpful: 2,
  nice: 1,
  works: 1,
  fine: 1,
  easy: 1,
  bad: -2,
  slow: -1,
  late: -1,
  broken: -3,
  broke: -3,
  terrible: -3,
  awful: -3,
  hate: -3,
  worst: -3,
  refund: -1,
  disappointed: -2,
  disappointing: -2,
  poor: -2,
  rude: -2,
  useless: -2,
  leaks: -2,
  missing: -1,
  problem: -1,
  cheap: -1,
});

/** Words that flip the sign of the next sentiment word within {@link NEGATION_WINDOW} words. */
export const NEGATIONS: ReadonlySet<string> = new Set([
  "not",
  "no",
  "never",
  "isn't",
  "wasn't",
  "don't",
  "doesn't",
  "didn't",
]);

/** How many words after a negation it still applies to. */
export const NEGATION_WINDOW = 3;

/** Multipliers for the next sentiment word. */
export const INTENSIFIERS: Readonly<Record<string, number>> = Object.freeze({
  very: 1.5,
  really: 1.5,
  extremely: 2,
  so: 1.25,
  slightly: 0.5,
});
