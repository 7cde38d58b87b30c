/**
 * The reviewer's side of the `approve` step: wait until an execution asks for approval, read what
 * it asks, answer with `client.submitInput`. A UI or a chat bot would do the same.
 */
import type { Client } from "@ordo/runtime";

/** What a reviewer looks at: the answer and its citations (outputs of `answer` and `cite`). */
export interface ApprovalRequest {
  readonly answer: string;
  readonly citations: string[];
  /** At least one citation, and every `[n]` names a composed document. */
  readonly grounded: boolean;
}

/**
 * Resolves with the approval request once the execution's `approve` step is `waiting`. Polls
 * `status()` every `pollMs` (default 25); rejects after `timeoutMs` (default 15 000), or at once
 * when the execution ended without asking (e.g. a failed step before it).
 *
 * @example
 * ```ts
 * const request = await awaitApprovalRequest(client, run.executionId);
 * await client.submitInput(run.executionId, "approve", { approved: request.grounded });
 * ```
 */
export async function awaitApprovalRequest(
  client: Client,
  executionId: string,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<ApprovalRequest> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const state = await client.status(executionId);
    const step = state.steps.approve;
    if (step?.status === "waiting") {
      const answer = state.steps.answer?.output as { text: string };
      const cite = state.steps.cite?.output as { citations: string[]; grounded: boolean };
      return { answer: answer.text, citations: cite.citations, grounded: cite.grounded };
    }
    if (state.status !== "running") {
      throw new Error(`execution ${executionId} is ${state.status}; it never asked for approval`);
    }
    if (Date.now() > deadline) throw new Error(`no approval request from ${executionId} in time`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 25));
  }
}
