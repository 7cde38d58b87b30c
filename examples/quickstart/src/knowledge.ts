/**
 * The data the quick start's plugins work on: a small help-centre knowledge base and a customer
 * table. In a real deployment these are a vector store and a CRM behind the same plugin contract;
 * here they are in memory so the example runs with nothing installed.
 */

/** One help-centre article. */
export interface Article {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

/** One customer record. */
export interface Customer {
  readonly id: string;
  readonly name: string;
  readonly plan: "free" | "team" | "enterprise";
  readonly region: string;
  readonly openTickets: number;
}

export const ARTICLES: readonly Article[] = [
  {
    id: "kb-101",
    title: "Rotating API keys",
    text:
      "Create a second API key in Settings, deploy it to your services, then revoke the old key. " +
      "Both keys stay valid until you revoke one, so rotation needs no downtime. " +
      "Enterprise plans can schedule automatic rotation every 90 days.",
  },
  {
    id: "kb-102",
    title: "API rate limits",
    text:
      "Each API key may send 600 requests per minute. Requests above the limit receive HTTP 429 " +
      "with a Retry-After header. Team and enterprise plans can request higher limits.",
  },
  {
    id: "kb-103",
    title: "Single sign-on",
    text:
      "Enterprise plans support SAML single sign-on. Configure the identity provider in Settings, " +
      "then enforce sign-on for every member of the workspace.",
  },
  {
    id: "kb-104",
    title: "Billing and invoices",
    text:
      "Invoices are issued on the first day of each month. Change the billing email or download " +
      "past invoices from the Billing page. Refunds are processed within five business days.",
  },
  {
    id: "kb-105",
    title: "Webhook retries",
    text:
      "Webhooks that do not answer with a 2xx status are retried with exponential backoff for 24 " +
      "hours. Verify each delivery with the signing secret shown next to the webhook.",
  },
  {
    id: "kb-106",
    title: "Revoking a leaked key",
    text:
      "If a key leaks, revoke it at once in Settings. Revocation takes effect within one minute " +
      "across all regions. Audit logs list every request made with the key.",
  },
  {
    id: "kb-107",
    title: "Data residency",
    text:
      "Workspaces are hosted in the region chosen at creation: eu-west or us-east. Enterprise " +
      "plans can move a workspace to another region with a scheduled migration.",
  },
];

export const CUSTOMERS: readonly Customer[] = [
  { id: "c-1001", name: "Acme Robotics", plan: "enterprise", region: "eu-west", openTickets: 2 },
  { id: "c-1002", name: "Bluebird Labs", plan: "team", region: "us-east", openTickets: 0 },
  { id: "c-1003", name: "Cobalt & Co", plan: "free", region: "us-east", openTickets: 1 },
];

/** Words that carry no meaning for retrieval (kept short on purpose). */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    "a an and are as at be by can do does for from how i in is it my of on or our the this to " +
    "we what when where which who why with without you your"
  ).split(" "),
);

/** Words a moderation provider would flag in a support question. */
export const BLOCKED_TERMS: ReadonlySet<string> = new Set(["password dump", "exploit", "ddos"]);
