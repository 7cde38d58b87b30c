/**
 * Per-process cache of prepared definitions by fingerprint. A worker that meets an unknown
 * fingerprint reads the IR once from the partition's `def` hash (stored by createExecution).
 */
import { OrdoError, type PipelineIR } from "@ordo/core";
import type { HotStore } from "../hot/hot-store.js";
import type { PartitionKeys } from "../hot/keys.js";
import { type PreparedDefinition, prepareDefinition } from "./definition.js";

/** Fingerprint -> prepared definition (promise, so concurrent misses share one read). */
export class DefinitionCache {
  private readonly byFingerprint = new Map<string, Promise<PreparedDefinition>>();

  /** Adds a definition the caller already has (clients starting executions). */
  add(definition: PreparedDefinition): void {
    this.byFingerprint.set(definition.fingerprint, Promise.resolve(definition));
  }

  /** The definition of `fingerprint`, loading it from `keys`' partition when unknown. */
  get(store: HotStore, keys: PartitionKeys, fingerprint: string): Promise<PreparedDefinition> {
    let found = this.byFingerprint.get(fingerprint);
    if (found === undefined) {
      found = (async () => {
        const irJson = await store.hget(keys.byName.def, `${fingerprint}:ir`);
        if (irJson === null) {
          throw new OrdoError("EXECUTION_NOT_FOUND", `No definition ${fingerprint} in hot state.`, {
            details: { fingerprint },
          });
        }
        return prepareDefinition(JSON.parse(irJson) as PipelineIR);
      })();
      found.catch(() => this.byFingerprint.delete(fingerprint));
      this.byFingerprint.set(fingerprint, found);
    }
    return found;
  }
}
