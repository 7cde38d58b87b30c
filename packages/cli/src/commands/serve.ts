/**
 * `ordo serve`: the control-plane HTTP API (queue, instances, admission, executions, SSE events)
 * on Redis, and (unless `--api-only`) a runtime instance that dispatches queued runs into
 * executions for the deployment's workers. Runs until SIGINT or SIGTERM.
 */
import { OrdoError } from "@ordo/core";
import { defineCommand, EXIT, usageError } from "../command.js";

interface ServedInstance {
  readonly instanceId: string;
  close(): Promise<void>;
}

interface ServedControl {
  startInstance(options: { runSlots: number }): Promise<ServedInstance>;
  close(): Promise<void>;
}

/** The part of `@ordo/runtime` this command uses (see the note at its import). */
interface ServeRuntime {
  createControlPlane(options: { connection: string; prefix?: string }): ServedControl;
  startHttpServer(options: {
    control: ServedControl;
    token: string;
    host: string;
    port: number;
  }): Promise<{ url: string; close(): Promise<void> }>;
}

async function loadRuntime(): Promise<ServeRuntime> {
  // The control plane lives in @ordo/runtime (src/control, src/http). Imported by shape so this
  // command compiles before the package entry re-exports it; it fails clearly until then.
  const runtime = (await import("@ordo/runtime")) as unknown as Partial<ServeRuntime>;
  if (typeof runtime.createControlPlane !== "function" || !runtime.startHttpServer) {
    throw new OrdoError(
      "INTERNAL",
      "This @ordo/runtime build does not export createControlPlane/startHttpServer.",
    );
  }
  return runtime as ServeRuntime;
}

function portOf(text: string | undefined): number {
  const port = Number(text ?? "8080");
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw usageError(`serve: --port must be 0..65535, got '${text}'`);
  }
  return port;
}

export const serveCommand = defineCommand({
  name: "serve",
  summary: "Serve the control-plane HTTP API (and dispatch queued runs) on Redis.",
  usage:
    "ordo serve --redis URL [--token token] [--host 127.0.0.1] [--port 8080] [--run-slots n] [--api-only]",
  description: [
    "Every request needs 'Authorization: Bearer <token>' (--token or $ORDO_TOKEN; prefer the",
    "variable: flags show in ps). Routes: docs/guides/http-api.md. Unless --api-only, this",
    "process also registers as a runtime instance and starts queued runs (--run-slots at once);",
    "steps run on the deployment's workers (ordo worker).",
  ].join("\n"),
  options: {
    redis: { type: "string", valueName: "URL", description: "Redis URL (required)." },
    prefix: { type: "string", valueName: "name", description: "Redis key prefix. Default ordo." },
    token: {
      type: "string",
      valueName: "token",
      description: "Bearer token. Default $ORDO_TOKEN.",
    },
    host: { type: "string", valueName: "addr", description: "Listen address. Default 127.0.0.1." },
    port: { type: "string", valueName: "n", description: "Listen port. Default 8080." },
    "run-slots": {
      type: "string",
      valueName: "n",
      description: "Runs started at once. Default 4.",
    },
    "api-only": { type: "boolean", description: "Serve the API only; do not dispatch runs." },
  },
  positionals: { min: 0, max: 0 },
  async run({ values }, { io }) {
    if (values.redis === undefined) throw usageError("serve: --redis URL is required");
    const token = values.token ?? process.env.ORDO_TOKEN;
    if (token === undefined || token === "") {
      throw usageError("serve: a bearer token is required (--token or ORDO_TOKEN)");
    }
    const port = portOf(values.port);
    const runSlots = Number(values["run-slots"] ?? "4");
    if (!Number.isInteger(runSlots) || runSlots < 1) {
      throw usageError("serve: --run-slots must be a positive integer");
    }
    const runtime = await loadRuntime();
    const control = runtime.createControlPlane({
      connection: values.redis,
      ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
    });
    const http = await runtime.startHttpServer({
      control,
      token,
      host: values.host ?? "127.0.0.1",
      port,
    });
    const instance = values["api-only"] ? undefined : await control.startInstance({ runSlots });
    io.stdout.write(
      `ordo control plane at ${http.url}` +
        (instance
          ? ` (instance ${instance.instanceId}, ${runSlots} run slots)\n`
          : " (api only)\n"),
    );
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    io.stdout.write("stopping\n");
    await http.close();
    await instance?.close();
    await control.close();
    return EXIT.OK;
  },
});
