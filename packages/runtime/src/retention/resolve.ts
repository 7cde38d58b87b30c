/**
 * Effective retention of executions: the deployment's {@link RetentionConfig} merged with the
 * policy each pipeline declares in its IR (`policies.retention`). The IR is read from the
 * partition's `def` hash by the execution's definition fingerprint (once per fingerprint per
 * resolver); an execution that already left hot state (evicted) is resolved from its durable
 * snapshot, so the events shipped after an eviction expire with the rest of its records.
 */
import type { RetentionPolicy as IrRetentionPolicy, PipelineIR } from "@ordo/core";
import type { DurableStore } from "../durable/types.js";
import type { HotStore } from "../hot/hot-store.js";
import type { PartitionKeys } from "../hot/keys.js";
import { type RetentionConfig, type RetentionPolicy, retentionPolicyFor } from "./policy.js";

/** What the resolver knows of one execution. */
export interface ResolvedRetention {
  /** Pipeline name; undefined when the execution is in neither hot state nor the store. */
  readonly pipeline: string | undefined;
  /** The effective policy (override > IR > default). */
  readonly policy: RetentionPolicy;
  /** Compacted already (hot state keeps only statuses). */
  readonly compacted: boolean;
}

const policyOfIr = (ir: unknown): IrRetentionPolicy | undefined =>
  (ir as Partial<PipelineIR> | null | undefined)?.policies?.retention;

/** Resolves retention policies of executions; caches IR policies per definition fingerprint. */
export class RetentionResolver {
  /**
   * Fingerprint -> the IR's policy. The IR of a fingerprint is the same in every partition's
   * `def` hash, so it is read (and parsed: ~1.2 KB per step) once, from the first partition that
   * asks.
   */
  private readonly declared = new Map<string, Promise<IrRetentionPolicy | undefined>>();

  constructor(
    private readonly hot: HotStore,
    private readonly config: RetentionConfig | undefined,
    /** Read for executions no longer in hot state; without it they get the config's policy. */
    private readonly store?: DurableStore,
  ) {}

  /** Policies of `ids`, all of `keys`' partition (one HMGET, plus the IRs not cached yet). */
  async resolve(
    keys: PartitionKeys,
    ids: readonly string[],
  ): Promise<Map<string, ResolvedRetention>> {
    const out = new Map<string, ResolvedRetention>();
    if (ids.length === 0) return out;
    const fields = ids.flatMap((id) => [`${id}:name`, `${id}:fp`, `${id}:compacted`]);
    const values = await this.hot.hmget(keys.byName.x, fields);
    for (const [i, id] of ids.entries()) {
      const [name, fp, compacted] = values.slice(i * 3, i * 3 + 3);
      if (name && fp) {
        const declared = await this.ofDefinition(keys, fp);
        const policy = retentionPolicyFor(this.config, name, declared);
        out.set(id, { pipeline: name, policy, compacted: compacted === "1" });
      } else {
        out.set(id, await this.fromSnapshot(id));
      }
    }
    return out;
  }

  /** The IR policy of definition `fingerprint`; undefined when it declares none or is gone. */
  private ofDefinition(keys: PartitionKeys, fingerprint: string) {
    let found = this.declared.get(fingerprint);
    if (found === undefined) {
      found = this.hot.hget(keys.byName.def, `${fingerprint}:ir`).then((json) => {
        // A definition that vanished is not cached: a restore may bring it back.
        if (json === null) this.declared.delete(fingerprint);
        return json === null ? undefined : policyOfIr(JSON.parse(json));
      });
      found.catch(() => this.declared.delete(fingerprint));
      this.declared.set(fingerprint, found);
    }
    return found;
  }

  private async fromSnapshot(executionId: string): Promise<ResolvedRetention> {
    const snapshot = await this.store?.getSnapshot(executionId);
    if (!snapshot) {
      return {
        pipeline: undefined,
        policy: retentionPolicyFor(this.config, undefined),
        compacted: false,
      };
    }
    const policy = retentionPolicyFor(this.config, snapshot.pipeline, policyOfIr(snapshot.ir));
    return { pipeline: snapshot.pipeline, policy, compacted: false };
  }
}
