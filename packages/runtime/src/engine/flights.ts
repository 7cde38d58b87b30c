/**
 * The attempts a worker has in flight, and the timer that aborts those whose execution was
 * cancelled (heartbeats also carry the cancel flag; this bounds the delay when heartbeats are
 * sparse).
 */
import type { HotStore } from "../hot/hot-store.js";
import type { Keyspace } from "../hot/keys.js";
import type { InFlight } from "./step-runner.js";

/** Why an attempt is aborted (the runner turns it into the step's error). */
type AbortCause = Parameters<InFlight["abort"]>[0];

export class Flights {
  private readonly flights = new Set<InFlight>();
  private readonly timer: NodeJS.Timeout;
  /** Set by {@link abortAll}: an attempt registered later (it was still in admission) gets it too. */
  private closingCause: AbortCause | undefined;

  /** Starts the cancel check: every `cancelCheckMs`, while any attempt is in flight. */
  constructor(
    private readonly store: HotStore,
    private readonly keyspace: Keyspace,
    cancelCheckMs: number,
  ) {
    this.timer = setInterval(
      () => void this.abortCancelled().catch(() => undefined),
      cancelCheckMs,
    );
    this.timer.unref();
  }

  /**
   * Tracks `flight`. After {@link abortAll} it is aborted at once with the same cause: a step that
   * was between claim and run (admission) when the worker closed must not run to completion on a
   * worker that was told to abandon or release its work.
   */
  add(flight: InFlight): void {
    this.flights.add(flight);
    if (this.closingCause !== undefined) flight.abort(this.closingCause);
  }

  delete(flight: InFlight): void {
    this.flights.delete(flight);
  }

  /** Aborts every attempt in flight (shutdown release, or abandon to simulate a crash). */
  abortAll(cause: AbortCause): void {
    this.closingCause ??= cause;
    for (const flight of this.flights) flight.abort(cause);
  }

  /** Stops the cancel check. */
  stop(): void {
    clearInterval(this.timer);
  }

  /** Aborts in-flight steps whose execution was cancelled (one HMGET per busy partition). */
  private async abortCancelled(): Promise<void> {
    if (this.flights.size === 0) return;
    const byPartition = new Map<number, InFlight[]>();
    for (const flight of this.flights) {
      const list = byPartition.get(flight.item.partition) ?? [];
      list.push(flight);
      byPartition.set(flight.item.partition, list);
    }
    for (const [p, flights] of byPartition) {
      const fields = flights.map((f) => `${f.item.executionId}:cancel`);
      const flags = await this.store.hmget(this.keyspace.part(p).byName.x, fields);
      flights.forEach((f, i) => {
        if (flags[i] === "1") f.abort("cancelled");
      });
    }
  }
}
