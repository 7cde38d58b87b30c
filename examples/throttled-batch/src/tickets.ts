/**
 * The batch: support tickets generated from a few templates (deterministic, no randomness), each
 * with the category a correct triage must give it.
 */

/** The categories the triage step may answer. */
export const CATEGORIES = ["billing", "shipping", "quality", "other"] as const;

/** A triage category. */
export type Category = (typeof CATEGORIES)[number];

/** One ticket of the batch. */
export interface Ticket {
  readonly id: string;
  readonly text: string;
  /** What the triage must answer for this ticket. */
  readonly expected: Category;
}

const TEMPLATES: readonly { readonly expected: Category; readonly text: string }[] = [
  { expected: "billing", text: "I was charged twice for order {n}; please refund the invoice." },
  { expected: "shipping", text: "Parcel {n} has not arrived; the delivery tracking stopped." },
  { expected: "quality", text: "The kettle from order {n} is broken and leaks water." },
  { expected: "other", text: "Do you have a shop near street {n} where I can visit?" },
];

/**
 * `count` tickets cycling through the templates (`t-001`, `t-002`, ...).
 *
 * @example
 * ```ts
 * makeTickets(2); // [{ id: "t-001", expected: "billing", ... }, { id: "t-002", expected: "shipping", ... }]
 * ```
 */
export function makeTickets(count: number): Ticket[] {
  return Array.from({ length: count }, (_, i) => {
    const template = TEMPLATES[i % TEMPLATES.length] ?? { expected: "other", text: "{n}" };
    const n = String(i + 1).padStart(3, "0");
    return { id: `t-${n}`, text: template.text.replace("{n}", n), expected: template.expected };
  });
}
