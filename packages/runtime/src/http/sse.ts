/**
 * `GET /executions/:id/events` as Server-Sent Events: one `event: <type>` message per ledger
 * event (`id:` = the event's per-execution seq, so a reconnecting EventSource resumes after
 * `Last-Event-ID`), a comment line every `keepAliveMs` against idle proxies, and the stream ends
 * after the execution's terminal event (`?follow=1` keeps it open). A disconnecting client
 * aborts the read at once.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ControlPlane } from "../control/control-plane.js";

/** Streams one execution's events; errors before the first byte are thrown to the caller. */
export async function streamExecutionEvents(
  control: ControlPlane,
  executionId: string,
  req: IncomingMessage,
  res: ServerResponse,
  options: { keepAliveMs: number; query: URLSearchParams },
): Promise<void> {
  const lastId = Number(req.headers["last-event-id"] ?? options.query.get("after") ?? 0);
  const abort = new AbortController();
  const events = control.executions.events(executionId, {
    afterSeq: Number.isFinite(lastId) ? lastId : 0,
    untilFinished: !(options.query.get("follow") === "1"),
    signal: abort.signal,
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
    while (!next.done) {
      const event = next.value;
      res.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      next = await events.next();
    }
  } finally {
    clearInterval(keepAlive);
    res.off("close", onClose);
    abort.abort();
    if (!res.writableEnded) res.end();
  }
}
