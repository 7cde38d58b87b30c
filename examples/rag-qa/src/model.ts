/**
 * The "model" behind the local OpenAI-compatible server (`startOpenAiServer` of `@ordo/testing`),
 * so the example runs offline and deterministically: an extractive answerer. It reads the numbered
 * context the `compose` step produced (`[n] text`, sent by the llm step as a system message),
 * picks the fragment sharing the most words with the question, and answers with that fragment's
 * sentence closest to the question followed by its citation marker `[n]`. With a real provider the same pipeline
 * runs unchanged: only the worker's provider list differs.
 */
import type { ChatResponder, FakeChatMessage } from "@ordo/testing";

/** Words too common to tell two pages apart. */
const STOP_WORDS = new Set(
  "a an and are as at be by can do does for from how i in is it many my of on or the to what when where which who with you your".split(
    " ",
  ),
);

/** Lower-cased content words of a text (letters and digits). */
export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP_WORDS.has(w));
}

function textOf(message: FakeChatMessage | undefined): string {
  return typeof message?.content === "string" ? message.content : "";
}

/** `[n] text` fragments of a composed context. */
function fragmentsOf(context: string): { marker: number; text: string }[] {
  const fragments: { marker: number; text: string }[] = [];
  for (const match of context.matchAll(/\[(\d+)\]\s+([^[]+)/g)) {
    fragments.push({ marker: Number(match[1]), text: (match[2] ?? "").trim() });
  }
  return fragments;
}

/**
 * Answers from the best-matching context fragment, or says it does not know (no marker) when no
 * fragment shares a content word with the question.
 *
 * @example
 * ```ts
 * const server = await startOpenAiServer({ responder: extractiveAnswerer, embeddingDimensions: 256 });
 * ```
 */
export const extractiveAnswerer: ChatResponder = (request) => {
  const question = textOf([...request.messages].reverse().find((m) => m.role === "user"));
  const context = request.messages
    .filter((m) => m.role === "system")
    .map(textOf)
    .join("\n");
  const asked = new Set(contentWords(question));
  let best: { marker: number; text: string; overlap: number } | undefined;
  for (const fragment of fragmentsOf(context)) {
    const overlap = new Set(contentWords(fragment.text).filter((w) => asked.has(w))).size;
    if (overlap > 0 && (best === undefined || overlap > best.overlap))
      best = { ...fragment, overlap };
  }
  if (best === undefined) return "I could not find this in the handbook.";
  const sentences = best.text.match(/[^.!?]+[.!?]?/g)?.map((s) => s.trim()) ?? [best.text];
  const overlap = (s: string) => new Set(contentWords(s).filter((w) => asked.has(w))).size;
  // The sentence sharing most words with the question; the earliest one on a tie.
  const sentence = sentences.reduce((a, b) => (overlap(b) > overlap(a) ? b : a));
  return `${sentence} [${best.marker}]`;
};
