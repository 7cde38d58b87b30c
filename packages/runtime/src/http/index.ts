/**
 * The HTTP adapter of the Ordo control plane (`node:http`, no framework): JSON routes over
 * `createControlPlane`, bearer-token auth on every request, execution events as SSE.
 *
 * @example
 * ```ts
 * import { createControlPlane, startHttpServer } from "@ordo/runtime";
 *
 * const control = createControlPlane({ connection: "redis://localhost:6379" });
 * const http = await startHttpServer({ control, token: process.env.ORDO_TOKEN!, port: 8080 });
 * console.log(`control plane at ${http.url}`);
 * ```
 */
export { httpStatusOf } from "./errors.js";
export type { HttpAdapterOptions, HttpServer, HttpServerOptions } from "./server.js";
export { createHttpHandler, startHttpServer } from "./server.js";
