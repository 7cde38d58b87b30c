/**
 * `GET /executions/:id/events` as Server-Sent Events: one `event: <type>` message per ledger
 * event (`id:` = the event's per-execution seq, so a reconnecting EventSource resumes after
 * `Last-Event-ID`), a comment line every `keepAliveMs` against idle proxies, and the stream ends
 * after the execution's terminal event (`?follow=1` keeps it open). A disconnecting client
 * aborts the read at once.
 *
 * Steps' progress events (e.g. `llm.delta`) come as `event: progress` messages (data: the
 * `ProgressEvent` JSON, `id: <seq>:<progress stream id>`), in order with the ledger messages.
 * On by default: an EventSource ignores event names it has no listener for, so older clients see
 * the same ledger messages as before; `?progress=0` turns them off.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ControlPlane } from "../control/control-plane.js";
import type { ExecutionEvent } from "../control/follow-merge.js";
import type { HotLedgerEvent } from "../engine/ledger.js";

/** Parses `Last-Event-ID` (or `?after=`): `<seq>` or `<seq>:<progress stream id>`. */
function resumePoint(text: string | undefined): { afterSeq: number; afterProgressId?: string } {
  const match = /^(\d+)(?::(\d+-\d+))?$/.exec((text ?? "0").trim());
  if (match === null) return { afterSeq: 0 };
  return {
    afterSeq: Number(match[1]),
    ...(match[2] === undefined ? {} : { afterProgressId: match[2] }),
  };
}

/** One SSE message; ledger data stays the plain ledger event (no `kind`) as before. */
function message(event: HotLedgerEvent | ExecutionEvent, lastSeq: number): string {
  if ("kind" in event && event.kind === "progress") {
    return `id: ${lastSeq}:${event.id}\nevent: progress\ndata: ${JSON.stringify(event)}\n\n`;
  }
  const { kind: _kind, ...ledger } = event as HotLedgerEvent & { kind?: string };
  return `id: ${ledger.seq}\nevent: ${ledger.type}\ndata: ${JSON.stringify(ledger)}\n\n`;
}

/** Streams one execution's events; errors before the first byte are thrown to the caller. */
export async function streamExecutionEvents(
  control: ControlPlane,
  executionId: string,
  req: IncomingMessage,
  res: ServerResponse,
  options: { keepAliveMs: number; query: URLSearchParams },
): Promise<void> {
  const lastId = req.headers["last-event-id"] ?? options.query.get("after") ?? undefined;
  const resume = resumePoint(Array.isArray(lastId) ? lastId[0] : lastId);
  const abort = new AbortController();
  const events = control.executions.events(executionId, {
    ...resume,
    untilFinished: !(options.query.get("follow") === "1"),
    signal: abort.signal,
    progress: options.query.get("progress") !== "0",
  });
  // Pull the first event before writing headers, so an unknown execution is a plain 404.
  const first = await events.next();
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.write(": ordo execution events\n\n");
  const onClose = () => abort.abort();
  res.on("close", onClose);
  const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), options.keepAliveMs);
  keepAlive.unref();
  try {
    let next = first;
    let lastSeq = resume.afterSeq;
    while (!next.done) {
      const event = next.value;
      res.write(message(event, lastSeq));
      if (!("kind" in event) || event.kind === "ledger") lastSeq = event.seq;
      next = await events.next();
    }
  } finally {
    clearInterval(keepAlive);
    res.off("close", onClose);
    abort.abort();
    if (!res.writableEnded) res.end();
  }
}
