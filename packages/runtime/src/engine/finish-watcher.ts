/**
 * Waits for executions to leave `running` with one batched read per partition per tick (HMGET of
 * the waiters' status fields), instead of one poll loop per `result()` call: a client awaiting
 * thousands of results costs at most `partitions` reads per tick. The tick starts at 1 ms after
 * any progress and backs off to 20 ms while nothing finishes.
 */
import type { HotStore } from "../hot/hot-store.js";
import type { Keyspace } from "../hot/keys.js";

const MAX_TICK_MS = 20;

/** Batched waiter for terminal executions. */
export class FinishWatcher {
  private readonly store: HotStore;
  private readonly keyspace: Keyspace;
  private readonly waiters = new Map<string, (() => void)[]>();
  private running = false;

  constructor(store: HotStore, keyspace: Keyspace) {
    this.store = store;
    this.keyspace = keyspace;
  }

  /** Resolves once the execution is no longer `running` (or does not exist). */
  wait(executionId: string): Promise<void> {
    return new Promise((resolve) => {
      const list = this.waiters.get(executionId);
      if (list) list.push(resolve);
      else this.waiters.set(executionId, [resolve]);
      if (!this.running) {
        this.running = true;
        void this.loop();
      }
    });
  }

  /** Stops waiting for `executionId` (e.g. after a timeout); pending promises stay unresolved. */
  forget(executionId: string): void {
    this.waiters.delete(executionId);
  }

  private async loop(): Promise<void> {
    let tick = 1;
    try {
      while (this.waiters.size > 0) {
        const byPartition = new Map<number, string[]>();
        for (const id of this.waiters.keys()) {
          const p = this.keyspace.of(id).partition;
          const list = byPartition.get(p);
          if (list) list.push(id);
          else byPartition.set(p, [id]);
        }
        let progressed = false;
        await Promise.all(
          [...byPartition].map(async ([p, ids]) => {
            const keys = this.keyspace.part(p);
            const statuses = await this.store.hmget(
              keys.byName.x,
              ids.map((id) => `${id}:status`),
            );
            ids.forEach((id, i) => {
              if (statuses[i] === "running") return;
              progressed = true;
              for (const resolve of this.waiters.get(id) ?? []) resolve();
              this.waiters.delete(id);
            });
          }),
        );
        tick = progressed ? 1 : Math.min(MAX_TICK_MS, tick * 2);
        if (this.waiters.size > 0) await new Promise((r) => setTimeout(r, tick));
      }
    } catch {
      // The store failed: release every waiter so result() re-reads and reports the error.
      for (const list of this.waiters.values()) for (const resolve of list) resolve();
      this.waiters.clear();
    } finally {
      this.running = false;
    }
  }
}
