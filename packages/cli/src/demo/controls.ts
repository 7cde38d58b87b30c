/**
 * Interaction while `ordo demo` runs: keys (space pauses or resumes, `c` asks to cancel and `y`
 * confirms; only on a terminal) and answers for human-input steps (typed at the prompt, or given
 * with `--answer`, which is what scripts and tests use).
 */
import { createInterface } from "node:readline";
import { isOrdoError, type JsonValue } from "@ordo/core";
import type { Client } from "@ordo/runtime";
import type { TextSink } from "../io.js";

/** Stops whatever {@link attachControls} started. */
export type Detach = () => void;

/** Options of {@link attachControls}. */
export interface ControlsOptions {
  readonly client: Client;
  readonly executionId: string;
  readonly out: TextSink;
  /** Answer every human-input step with this (JSON, or a plain string); else prompt. */
  readonly answer?: string;
  /** Listen for keys (needs a terminal on stdin). */
  readonly keys: boolean;
}

function parseAnswer(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text.trim();
  }
}

/** Starts key handling and human-input answering; returns a function that stops both. */
export function attachControls(options: ControlsOptions): Detach {
  const state = { prompting: false, confirming: false, stopped: false };
  const detachKeys = options.keys ? listenKeys(options, state) : () => {};
  void answerLoop(options, state);
  return () => {
    state.stopped = true;
    detachKeys();
  };
}

interface LoopState {
  prompting: boolean;
  confirming: boolean;
  stopped: boolean;
}

function listenKeys(o: ControlsOptions, state: LoopState): Detach {
  const stdin = process.stdin;
  if (!stdin.isTTY) return () => {};
  stdin.setRawMode(true);
  stdin.resume();
  o.out.write("keys: space = pause/resume, c = cancel\n");
  const onData = (chunk: Buffer) => {
    if (state.prompting) return;
    const key = chunk.toString();
    if (key === "\u0003") process.kill(process.pid, "SIGINT");
    void handleKey(o, state, key).catch((error) =>
      o.out.write(`[CONTROL]   ${(error as Error).message}\n`),
    );
  };
  stdin.on("data", onData);
  return () => {
    stdin.off("data", onData);
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
  };
}

async function handleKey(o: ControlsOptions, state: LoopState, key: string): Promise<void> {
  if (state.confirming) {
    state.confirming = false;
    if (key.toLowerCase() === "y") await o.client.cancel(o.executionId, "cancelled from the demo");
    else o.out.write("[CONTROL]   cancel declined\n");
    return;
  }
  if (key === " ") {
    const s = await o.client.status(o.executionId);
    if (s.control === undefined) {
      const r = await o.client.pause(o.executionId, {
        reason: "space pressed",
        requestedBy: "demo",
      });
      o.out.write(`[CONTROL]   ${r.state} (${r.running} running step(s) finish first)\n`);
    } else {
      await o.client.resume(o.executionId, { reason: "space pressed", requestedBy: "demo" });
    }
  } else if (key.toLowerCase() === "c") {
    state.confirming = true;
    o.out.write("[CONTROL]   cancel the execution? press y to confirm, any other key to keep it\n");
  }
}

/** Follows the ledger; answers each `human_input.waiting` step. */
async function answerLoop(o: ControlsOptions, state: LoopState): Promise<void> {
  const handle = o.client.handle(o.executionId);
  for (let tries = 0; tries < 50 && !state.stopped; tries++) {
    try {
      for await (const event of handle.events()) {
        if (state.stopped) return;
        if (event.type !== "human_input.waiting" || event.stepId === undefined) continue;
        await answer(o, state, event.stepId, String(event.data?.prompt ?? "input"));
      }
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50)); // the execution may not exist yet
    }
  }
}

async function answer(o: ControlsOptions, state: LoopState, stepId: string, prompt: string) {
  for (;;) {
    const text = o.answer ?? (await ask(state, `[INPUT]     ${stepId}: ${prompt} > `));
    if (text === undefined) return;
    try {
      await o.client.submitInput(o.executionId, stepId, parseAnswer(text), { respondedBy: "demo" });
      return;
    } catch (error) {
      const code = isOrdoError(error) ? error.code : "ERROR";
      o.out.write(`[INPUT]     refused (${code}): ${(error as Error).message}\n`);
      if (code !== "INPUT_INVALID" || o.answer !== undefined) return;
    }
  }
}

/** One line from stdin (undefined when stdin ends). */
function ask(state: LoopState, question: string): Promise<string | undefined> {
  state.prompting = true;
  const wasRaw = process.stdin.isTTY && process.stdin.isRaw;
  if (wasRaw) process.stdin.setRawMode(false);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  return new Promise((resolve) => {
    let done = false;
    rl.on("close", () => {
      if (!done) resolve(undefined);
    });
    rl.question(question, (line) => {
      done = true;
      rl.close();
      state.prompting = false;
      if (wasRaw) process.stdin.setRawMode(true);
      resolve(line);
    });
  });
}
