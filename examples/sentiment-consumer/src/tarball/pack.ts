/**
 * "Consume the plugin from its tarball", as a script the test drives: `npm pack` the plugin
 * (its `prepack` builds `dist/`), copy this example's sources into a throwaway project, install
 * the tarball there with npm, and run the copy.
 *
 * Offline by construction: the plugin's only dependencies are peers (`@ordo/step`, `zod`), so
 * `npm install --offline --legacy-peer-deps` has nothing to download; the throwaway project lives
 * under this example's `.tmp/` (git-ignored), so the peers and `@ordo/*` resolve from the
 * workspace's root `node_modules`, exactly as a host application provides them.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** examples/sentiment-consumer */
export const consumerDir = resolve(here, "../..");
/** examples/plugin-sentiment */
export const pluginDir = resolve(consumerDir, "../plugin-sentiment");

function run(cmd: string, args: readonly string[], cwd: string, timeoutMs = 120_000): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: timeoutMs,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" },
  });
}

/** A fresh directory under `examples/sentiment-consumer/.tmp/`; remove it when done. */
export function makeWorkDir(): string {
  const base = join(consumerDir, ".tmp");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, "tarball-"));
}

/**
 * Packs the plugin into `dest` (npm runs its `prepack`: a tsup build) and returns the tarball's
 * path.
 *
 * @example
 * ```ts
 * const tgz = packPlugin(makeWorkDir()); // .../acme-ordo-step-sentiment-0.1.0.tgz
 * ```
 */
export function packPlugin(dest: string): string {
  run("npm", ["pack", "--pack-destination", dest, "--loglevel", "error"], pluginDir);
  const tarball = readdirSync(dest).find((f) => /^acme-ordo-step-sentiment-.*\.tgz$/.test(f));
  if (tarball === undefined) throw new Error(`npm pack left no tarball in ${dest}`);
  return join(dest, tarball);
}

/** Paths inside a tarball, without the `package/` prefix, sorted. */
export function tarballFiles(tarball: string): string[] {
  return run("tar", ["-tzf", tarball], dirname(tarball))
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => line.replace(/^package\//, ""))
    .sort();
}

/**
 * Creates `<work>/app`: this example's sources (tests left out) and a package.json of its own,
 * then `npm install`s the tarball into it, offline. Returns the app directory.
 */
export function installIntoCopy(work: string, tarball: string): string {
  const app = join(work, "app");
  cpSync(join(consumerDir, "src"), join(app, "src"), {
    recursive: true,
    filter: (source) => !source.endsWith(".test.ts"),
  });
  writeFileSync(
    join(app, "package.json"),
    `${JSON.stringify({ name: "sentiment-consumer-copy", private: true, type: "module" }, null, 2)}\n`,
  );
  run(
    "npm",
    [
      "install",
      tarball,
      "--offline",
      "--legacy-peer-deps",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      "--loglevel",
      "error",
    ],
    app,
  );
  return app;
}

/** What `main.ts --json` prints. */
export interface ConsumerReport {
  readonly pluginFile: string;
  readonly routed: readonly {
    reviewId: string;
    label: string;
    score: number;
    queue: string;
    urgent: boolean;
  }[];
}

/** Runs the copy's `src/main.ts --json` (tsx + the `@ordo/*`-only source hook). */
export function runCopy(app: string): ConsumerReport {
  const out = run(
    process.execPath,
    [
      "--import",
      "tsx",
      "--import",
      join(here, "register-hooks.mjs"),
      join(app, "src/main.ts"),
      "--json",
    ],
    app,
  );
  const last = out.trim().split("\n").at(-1) ?? "";
  return JSON.parse(last) as ConsumerReport;
}
