/**
 * Interaction while `ordo demo` runs: keys (space pauses or resumes, `c` asks to cancel and `y`
 * confirms; only on a terminal) and answers for human-input steps (typed at the prompt, or given
 * with `--answer`, which is what scripts and tests use).
 */
import { createInterface } from "node:readline";
import { type Readable, Writable } from "node:stream";
import { isOrdoError, type JsonValue } from "@ordo/core";
import type { Client } from "@ordo/runtime";
import type { TextSink } from "../io.js";

/** Stops whatever {@link attachControls} started. */
export type Detach = () => void;

/**
 * Where keys and typed answers come from: `process.stdin` in the CLI (raw mode when it is a
 * terminal), a `PassThrough` in tests.
 */
export type ControlInput = Readable & {
  readonly isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
};

/** Options of {@link attachControls}. */
export interface ControlsOptions {
  readonly client: Client;
  readonly executionId: string;
  readonly out: TextSink;
  /** Answer every human-input step with this (JSON, or a plain string); else prompt. */
  readonly answer?: string;
  /** Keys and answers to prompts; absent = no keys, and human input only through `answer`. */
  readonly input?: ControlInput;
  /**
   * Listen for keys on `input`. The CLI sets it only when stdin is a terminal (and not --json),
   * so a piped or closed stdin in CI is never read for keys and never blocks the demo.
   */
  readonly keys: boolean;
}

function parseAnswer(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text.trim();
  }
}

/**
 * Starts key handling and human-input answering; returns a function that stops both.
 *
 * @example
 * ```ts
 * const detach = attachControls({ client, executionId, out: process.stdout, input: process.stdin, keys: process.stdin.isTTY });
 * await handle.result();
 * detach();
 * ```
 */
export function attachControls(options: ControlsOptions): Detach {
  const state: LoopState = { prompting: false, confirming: false, stopped: false };
  const detachKeys =
    options.keys && options.input !== undefined ? listenKeys(options, options.input, state) : noop;
  void answerLoop(options, state);
  return () => {
    state.stopped = true;
    detachKeys();
  };
}

const noop = () => {};

interface LoopState {
  prompting: boolean;
  confirming: boolean;
  stopped: boolean;
}

function listenKeys(o: ControlsOptions, input: ControlInput, state: LoopState): Detach {
  const raw = input.isTTY === true && typeof input.setRawMode === "function";
  if (raw) input.setRawMode?.(true);
  input.resume();
  o.out.write("keys: space = pause/resume, c = cancel\n");
  // Keys are handled one at a time, in order (a chunk may hold several: "cy").
  let queue: Promise<void> = Promise.resolve();
  const onData = (chunk: Buffer | string) => {
    if (state.prompting) return;
    for (const key of chunk.toString()) {
      if (key === "\u0003" && raw) process.kill(process.pid, "SIGINT");
      queue = queue
        .then(() => handleKey(o, state, key))
        .catch((error) => {
          o.out.write(`[CONTROL]   ${(error as Error).message}\n`);
        });
    }
  };
  input.on("data", onData);
  return () => {
    input.off("data", onData);
    if (raw) input.setRawMode?.(false);
    input.pause();
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
    const question = `[INPUT]     ${stepId}: ${prompt} > `;
    const text =
      o.answer ?? (o.input === undefined ? undefined : await ask(o, o.input, state, question));
    if (text === undefined) {
      // Nobody can answer (stdin ended, or no input and no --answer): do not wait for the
      // step's timeout; cancel so the demo ends now.
      o.out.write(`[INPUT]     ${stepId}: no answer (stdin closed; use --answer); cancelling\n`);
      await o.client.cancel(o.executionId, "no answer to a human-input step");
      return;
    }
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

/** One line from `input` (undefined when it ends). Raw mode is off while the line is typed. */
function ask(
  o: ControlsOptions,
  input: ControlInput,
  state: LoopState,
  question: string,
): Promise<string | undefined> {
  state.prompting = true;
  const wasRaw = input.isTTY === true && (input as { isRaw?: boolean }).isRaw === true;
  if (wasRaw) input.setRawMode?.(false);
  const rl = createInterface({ input, output: toWritable(o.out) });
  return new Promise((resolve) => {
    let done = false;
    rl.on("close", () => {
      state.prompting = false;
      // readline pauses its input on close; keys keep flowing.
      if (o.keys) input.resume();
      if (!done) resolve(undefined);
    });
    rl.question(question, (line) => {
      done = true;
      rl.close();
      if (wasRaw) input.setRawMode?.(true);
      resolve(line);
    });
  });
}

/** readline wants a Writable for the question; the demo's sink may be a plain `{ write }`. */
function toWritable(out: TextSink): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.write(chunk.toString());
      callback();
    },
  });
}
