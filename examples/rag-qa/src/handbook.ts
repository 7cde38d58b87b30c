/**
 * The document set the example ingests: ten short pages of a fictional company handbook. Each
 * page has a stable id (what answers cite) and a distinct vocabulary, so retrieval over the local
 * server's bag-of-words embeddings ranks the right page first for the sample questions.
 */
import type { IngestDocument } from "@ordo/step-rag";

/** The handbook pages, ingested once per worker into an in-memory vector index. */
export const handbook: readonly IngestDocument[] = [
  {
    id: "hb-expenses",
    source: "handbook/expenses.md",
    text: "Expense claims are filed in the finance portal within 30 days of purchase. Attach an itemised receipt; claims above 500 euros need a manager's approval before reimbursement.",
  },
  {
    id: "hb-holidays",
    source: "handbook/holidays.md",
    text: "Every employee has 28 vacation days per calendar year. Unused vacation days carry over until the end of March, then expire.",
  },
  {
    id: "hb-laptops",
    source: "handbook/laptops.md",
    text: "Laptops are replaced every three years. Request a replacement laptop through the IT service desk; return the old laptop within two weeks so its disk can be wiped.",
  },
  {
    id: "hb-oncall",
    source: "handbook/oncall.md",
    text: "On-call engineers rotate weekly, Monday to Monday. A pager alert must be acknowledged within 15 minutes; escalate to the secondary when you cannot respond.",
  },
  {
    id: "hb-security",
    source: "handbook/security.md",
    text: "Passwords are stored in the company password manager only. Enable two-factor authentication on every work account and report phishing emails to the security team.",
  },
  {
    id: "hb-remote",
    source: "handbook/remote.md",
    text: "Remote work from abroad is allowed for up to 60 days a year. Tell your manager in advance and check the tax rules of the country you travel to.",
  },
  {
    id: "hb-parental",
    source: "handbook/parental.md",
    text: "Parental leave is 20 weeks at full salary for every parent, taken within the child's first two years, in at most three blocks.",
  },
  {
    id: "hb-training",
    source: "handbook/training.md",
    text: "Each employee has a yearly training budget of 1500 euros for courses, conferences and books. Book conferences through the learning team.",
  },
  {
    id: "hb-office",
    source: "handbook/office.md",
    text: "The Berlin office opens at 7:00 and closes at 21:00. Visitors sign in at the reception desk and wear a badge at all times.",
  },
  {
    id: "hb-deploys",
    source: "handbook/deploys.md",
    text: "Production deploys happen Monday to Thursday through the release pipeline. No deploys on Fridays or public holidays unless a hotfix is approved by the incident lead.",
  },
];
