/**
 * The HTTP adapter of the control plane, on `node:http`: JSON routes (see `routes.ts` and
 * docs/guides/http-api.md), `Authorization: Bearer <token>` on every request (401 `UNAUTHORIZED`
 * otherwise), errors as `{ error: { code, message } }`, and execution events as SSE.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { OrdoError } from "@ordo/core";
import type { ControlPlane } from "../control/control-plane.js";
import { bearerChecker } from "./auth.js";
import { errorResponse } from "./errors.js";
import { matchPath, ROUTES } from "./routes.js";
import { streamExecutionEvents } from "./sse.js";

/** Options of {@link createHttpHandler}. */
export interface HttpAdapterOptions {
  readonly control: ControlPlane;
  /** Accepted bearer tokens (one, or several during a rotation). Required, non-empty. */
  readonly token: string | readonly string[];
  /** Largest accepted request body, bytes [1 MiB]. */
  readonly maxBodyBytes?: number;
  /** SSE keep-alive comment interval, ms [15 000]. */
  readonly keepAliveMs?: number;
}

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions extends HttpAdapterOptions {
  /** [127.0.0.1] */
  readonly host?: string;
  /** [0 = any free port] */
  readonly port?: number;
}

/** A listening adapter. */
export interface HttpServer {
  /** e.g. `http://127.0.0.1:43127`. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Stops accepting, ends open SSE streams, resolves when closed. */
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      throw new OrdoError("PAYLOAD_TOO_LARGE", `Request body exceeds ${maxBytes} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new OrdoError("USAGE", "The request body is not valid JSON.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new OrdoError("USAGE", "The request body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}

/**
 * A `node:http` request listener serving the control plane (mount it in your own server).
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { createControlPlane, createHttpHandler } from "@ordo/runtime";
 *
 * const control = createControlPlane({ connection: process.env.REDIS_URL });
 * createServer(createHttpHandler({ control, token: process.env.ORDO_TOKEN! })).listen(8080);
 * ```
 */
export function createHttpHandler(
  options: HttpAdapterOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const authorized = bearerChecker(
    typeof options.token === "string" ? [options.token] : options.token,
  );
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const { control } = options;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!authorized(req.headers.authorization)) {
      res.setHeader("www-authenticate", 'Bearer realm="ordo"');
      throw new OrdoError(
        "UNAUTHORIZED",
        "A valid 'Authorization: Bearer <token>' header is required.",
      );
    }
    const url = new URL(req.url ?? "/", "http://ordo.local");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const method = req.method ?? "GET";
    const events = matchPath("/executions/:id/events", path);
    if (events !== undefined && method === "GET") {
      await streamExecutionEvents(control, events.id!, req, res, {
        keepAliveMs,
        query: url.searchParams,
      });
      return;
    }
    let pathMatched = false;
    for (const route of ROUTES) {
      const params = matchPath(route.pattern, path);
      if (params === undefined) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      let body: Promise<Record<string, unknown>> | undefined;
      const reply = await route.handler({
        control,
        params,
        query: url.searchParams,
        body: () => (body ??= readJson(req, maxBody)),
      });
      if ("body" in reply) send(res, reply.status, reply.body);
      return;
    }
    if (pathMatched)
      throw new OrdoError("METHOD_NOT_ALLOWED", `${method} is not allowed on ${path}.`);
    throw new OrdoError("NOT_FOUND", `No route ${method} ${path}.`);
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.end();
        return;
      }
      const { status, body } = errorResponse(error);
      send(res, status, body);
    });
  };
}

/**
 * Starts the adapter on `host:port` (default `127.0.0.1`, a free port).
 *
 * @example
 * ```ts
 * import { createControlPlane, startHttpServer } from "@ordo/runtime";
 *
 * const control = createControlPlane({ connection: "redis://localhost:6379" });
 * const http = await startHttpServer({ control, token: "s3cret", port: 8080 });
 * // curl -H "Authorization: Bearer s3cret" http://127.0.0.1:8080/queue
 * await http.close();
 * ```
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const server = createServer(createHttpHandler(options));
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
