/**
 * The HTTP adapter's routes: JSON over the control-plane facade. Paths and bodies are listed in
 * docs/guides/http-api.md; each route is one facade call.
 */
import { type JsonValue, OrdoError, type PipelineIR } from "@ordo/core";
import type { ControlPlane } from "../control/control-plane.js";
import type { RunRequest } from "../control/queue.js";
import type { RunStatus } from "../control/records.js";

/** What a route handler gets. */
export interface RouteContext {
  readonly control: ControlPlane;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body (`{}` when empty). */
  body(): Promise<Record<string, unknown>>;
}

/** A JSON reply, or a handler that takes over the response (SSE). */
export type RouteReply =
  | { readonly status: number; readonly body: unknown }
  | { readonly stream: true };

type Handler = (ctx: RouteContext) => Promise<RouteReply>;

/** One route: method, path pattern with `:name` segments, handler. */
export interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly handler: Handler;
}

const ok = (body: unknown, status = 200): RouteReply => ({ status, body });

function str(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new OrdoError("USAGE", `'${name}' must be a string.`);
  return value;
}

function int(text: string | null, name: string): number | undefined {
  if (text === null || text === "") return undefined;
  const n = Number(text);
  if (!Number.isInteger(n)) throw new OrdoError("USAGE", `'${name}' must be an integer.`);
  return n;
}

/** Builds a run request from a POST /runs body. */
function runRequestOf(body: Record<string, unknown>): RunRequest {
  const pipeline = body.pipeline;
  if (pipeline === null || typeof pipeline !== "object" || Array.isArray(pipeline)) {
    throw new OrdoError("USAGE", "'pipeline' must be a pipeline IR object (ordo compile output).");
  }
  const priority = body.priority;
  if (priority !== undefined && typeof priority !== "number") {
    throw new OrdoError("USAGE", "'priority' must be a number.");
  }
  const metadata = body.metadata;
  if (metadata !== undefined && (metadata === null || typeof metadata !== "object")) {
    throw new OrdoError("USAGE", "'metadata' must be an object.");
  }
  const optional = {
    priority,
    tenant: str(body.tenant, "tenant"),
    runId: str(body.runId, "runId"),
    executionId: str(body.executionId, "executionId"),
    instanceId: str(body.instanceId, "instanceId"),
    metadata,
  };
  return {
    pipeline: pipeline as PipelineIR,
    input: (body.input ?? {}) as JsonValue,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

const reasonOf = async (ctx: RouteContext) => str((await ctx.body()).reason, "reason");

function requireFound<T>(value: T | undefined, code: string, what: string): T {
  if (value === undefined) throw new OrdoError(code, `${what} not found.`);
  return value;
}

/** Queue, run, instance, admission (decision and step policy) and scaling routes (executions are in the server module). */
export const ROUTES: readonly Route[] = [
  {
    method: "POST",
    pattern: "/runs",
    handler: async (ctx) => ok(await ctx.control.submit(runRequestOf(await ctx.body())), 202),
  },
  {
    method: "GET",
    pattern: "/runs",
    handler: async ({ control, query }) => {
      const filters = {
        status: (query.get("status") ?? undefined) as RunStatus | undefined,
        tenant: query.get("tenant") ?? undefined,
        cursor: query.get("cursor") ?? undefined,
        limit: int(query.get("limit"), "limit"),
      };
      const defined = Object.fromEntries(
        Object.entries(filters).filter(([, v]) => v !== undefined),
      );
      return ok(await control.queue.page(defined));
    },
  },
  {
    method: "GET",
    pattern: "/runs/:id",
    handler: async ({ control, params }) =>
      ok(requireFound(await control.queue.get(params.id!), "RUN_NOT_FOUND", `Run '${params.id}'`)),
  },
  {
    method: "POST",
    pattern: "/runs/:id/cancel",
    handler: async (ctx) =>
      ok(
        await ctx.control.queue.cancel(
          ctx.params.id!,
          (await reasonOf(ctx)) ?? "cancelled",
          "http",
        ),
      ),
  },
  {
    method: "GET",
    pattern: "/queue",
    handler: async ({ control }) => ok(await control.queue.stats()),
  },
  {
    method: "POST",
    pattern: "/queue/pause",
    handler: async (ctx) => {
      const changed = await ctx.control.queue.pause((await reasonOf(ctx)) ?? "", "http");
      return ok({ paused: true, changed });
    },
  },
  {
    method: "POST",
    pattern: "/queue/resume",
    handler: async (ctx) => {
      const changed = await ctx.control.queue.resume((await reasonOf(ctx)) ?? "", "http");
      return ok({ paused: false, changed });
    },
  },
  {
    method: "GET",
    pattern: "/queue/events",
    handler: async ({ control, query }) => {
      const after = query.get("after") ?? undefined;
      const count = int(query.get("count"), "count") ?? 100;
      return ok({ events: await control.queue.events({ ...(after ? { after } : {}), count }) });
    },
  },
  {
    method: "GET",
    pattern: "/instances",
    handler: async ({ control, query }) => {
      const includeStopped = query.get("all") === "1" || query.get("all") === "true";
      return ok({ instances: await control.instances.list({ includeStopped }) });
    },
  },
  {
    method: "GET",
    pattern: "/instances/:id",
    handler: async ({ control, params }) =>
      ok(
        requireFound(
          await control.instances.get(params.id!),
          "INSTANCE_NOT_FOUND",
          `Instance '${params.id}'`,
        ),
      ),
  },
  {
    method: "POST",
    pattern: "/instances/:id/drain",
    handler: async (ctx) =>
      ok(await ctx.control.instances.drain(ctx.params.id!, await reasonOf(ctx))),
  },
  {
    method: "POST",
    pattern: "/instances/:id/undrain",
    handler: async (ctx) =>
      ok(await ctx.control.instances.undrain(ctx.params.id!, await reasonOf(ctx))),
  },
  {
    method: "DELETE",
    pattern: "/instances/:id",
    handler: async ({ control, params }) => ok(await control.instances.unregister(params.id!)),
  },
  {
    method: "GET",
    pattern: "/admission",
    handler: async ({ control, query }) => {
      const instanceId = query.get("instanceId");
      return ok(await control.admit(instanceId === null ? {} : { instanceId }));
    },
  },
  {
    method: "GET",
    pattern: "/admission/policy",
    handler: async ({ control }) => ok({ policy: (await control.admissionPolicy.get()) ?? null }),
  },
  {
    method: "PUT",
    pattern: "/admission/policy",
    // The body is the policy itself (docs/concepts/policies.md#admission-policies).
    handler: async (ctx) =>
      ok({
        policy: await ctx.control.admissionPolicy.set(await ctx.body(), { requestedBy: "http" }),
      }),
  },
  {
    method: "DELETE",
    pattern: "/admission/policy",
    handler: async ({ control }) =>
      ok({ cleared: await control.admissionPolicy.clear({ requestedBy: "http" }) }),
  },
  {
    method: "GET",
    pattern: "/scaling",
    handler: async ({ control }) => ok(await control.scaling()),
  },
  {
    method: "GET",
    pattern: "/scaling/requests",
    handler: async ({ control, query }) => {
      const after = query.get("after") ?? undefined;
      const count = int(query.get("count"), "count") ?? 100;
      return ok({ requests: await control.scaleRequests({ ...(after ? { after } : {}), count }) });
    },
  },
  {
    method: "GET",
    pattern: "/executions/:id",
    handler: async ({ control, params }) => ok(await control.executions.status(params.id!)),
  },
  {
    method: "POST",
    pattern: "/executions/:id/cancel",
    handler: async (ctx) => {
      await ctx.control.executions.cancel(
        ctx.params.id!,
        (await reasonOf(ctx)) ?? "cancelled via http",
      );
      return ok(await ctx.control.executions.status(ctx.params.id!));
    },
  },
  {
    method: "POST",
    pattern: "/executions/:id/pause",
    handler: async (ctx) => {
      const reason = await reasonOf(ctx);
      const options = { requestedBy: "http", ...(reason === undefined ? {} : { reason }) };
      return ok(await ctx.control.executions.pause(ctx.params.id!, options));
    },
  },
  {
    method: "POST",
    pattern: "/executions/:id/resume",
    handler: async (ctx) => {
      const reason = await reasonOf(ctx);
      const options = { requestedBy: "http", ...(reason === undefined ? {} : { reason }) };
      const madeReady = await ctx.control.executions.resume(ctx.params.id!, options);
      return ok({ resumed: true, madeReady });
    },
  },
  {
    method: "POST",
    pattern: "/executions/:id/input",
    handler: async (ctx) => {
      const body = await ctx.body();
      const stepId = str(body.stepId, "stepId");
      if (stepId === undefined) throw new OrdoError("USAGE", "'stepId' is required.");
      if (!("value" in body)) throw new OrdoError("USAGE", "'value' (the answer) is required.");
      const respondedBy = str(body.respondedBy, "respondedBy");
      await ctx.control.executions.submitInput(
        ctx.params.id!,
        stepId,
        body.value as JsonValue,
        respondedBy === undefined ? {} : { respondedBy },
      );
      return ok({ accepted: true });
    },
  },
  {
    method: "GET",
    pattern: "/executions/:id/audit",
    handler: async ({ control, params }) => ok(await control.replay.audit(params.id!)),
  },
  {
    method: "GET",
    pattern: "/executions/:id/ledger",
    handler: async ({ control, params, query }) => {
      const afterSeq = int(query.get("after"), "after");
      const events = await control.replay.ledger(
        params.id!,
        afterSeq === undefined ? {} : { afterSeq },
      );
      return ok({ events });
    },
  },
  {
    method: "POST",
    pattern: "/executions/:id/restore",
    handler: async ({ control, params }) => ok(await control.replay.restore(params.id!)),
  },
  {
    method: "POST",
    pattern: "/executions/:id/rerun",
    handler: async (ctx) => {
      const body = await ctx.body();
      const from = str(body.from, "from");
      if (from === undefined) throw new OrdoError("USAGE", "'from' (a step id) is required.");
      const executionId = str(body.executionId, "executionId");
      const rerun = { from, ...(executionId === undefined ? {} : { executionId }) };
      return ok(await ctx.control.replay.rerun(ctx.params.id!, rerun), 202);
    },
  },
  {
    method: "POST",
    pattern: "/executions/:id/against",
    handler: async (ctx) => {
      const pipeline = (await ctx.body()).pipeline;
      if (pipeline === null || typeof pipeline !== "object") {
        throw new OrdoError("USAGE", "'pipeline' must be a pipeline IR object.");
      }
      return ok(await ctx.control.replay.against(ctx.params.id!, pipeline as PipelineIR));
    },
  },
];

/** Matches a path against a pattern; returns the `:name` params or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith(":")) {
      if (got[i] === "") return undefined;
      params[w.slice(1)] = decodeURIComponent(got[i]!);
    } else if (w !== got[i]) return undefined;
  }
  return params;
}
