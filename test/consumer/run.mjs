#!/usr/bin/env node
/**
 * Consumer test: "CI tests what we publish". Builds every package, packs it with `npm pack`,
 * installs the tarballs into a throwaway project outside the workspace, then type-checks and runs
 * a pipeline there exactly as a user would (no `@ordo/source` condition, only `dist/`).
 *
 * Exit code 0 when every check passed; writes `.tmp/consumer.json` for test/summary.mjs.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const here = dirname(fileURLToPath(import.meta.url));
const packages = [
  "core",
  "step",
  "sdk",
  "runtime",
  "testing",
  "analyze",
  "cli",
  "step-llm",
  "step-rag",
  "step-http",
];
const work = mkdtempSync(join(tmpdir(), "ordo-consumer-"));
const results = [];

function run(cmd, args, cwd, extraEnv = {}) {
  return execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...extraEnv },
  });
}

function check(name, fn) {
  try {
    fn();
    results.push({ name, ok: true });
    console.log(`  ✓ ${name}`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`  ✗ ${name}\n${error.stdout ?? ""}${error.stderr ?? ""}${error.message}`);
  }
}

console.log(`[consumer] building and packing into ${work}`);
run("npm", ["run", "build", "--workspaces", "--if-present"], root);
const tarballs = join(work, "tarballs");
mkdirSync(tarballs);
for (const name of packages) {
  run("npm", ["pack", "--pack-destination", tarballs, "--workspace", `@ordo/${name}`], root);
}
const files = readdirSync(tarballs);
const tarballOf = (name) => {
  const file = files.find((f) => f.startsWith(`ordo-${name}-`));
  if (!file) throw new Error(`no tarball for @ordo/${name}`);
  return `file:${join(tarballs, file)}`;
};

const app = join(work, "app");
cpSync(join(here, "app"), app, { recursive: true });
const dependencies = Object.fromEntries(packages.map((n) => [`@ordo/${n}`, tarballOf(n)]));
writeFileSync(
  join(app, "package.json"),
  JSON.stringify(
    {
      name: "ordo-consumer-app",
      private: true,
      type: "module",
      dependencies: { ...dependencies, zod: "^4.1.0" },
      devDependencies: { typescript: "5.9.3", "@types/node": "^20.0.0" },
      overrides: Object.fromEntries(packages.map((n) => [`@ordo/${n}`, tarballOf(n)])),
    },
    null,
    2,
  ),
);

check("npm install of the packed tarballs", () => {
  run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts=false"], app);
});
check("tsc type-checks a pipeline against the published .d.ts", () => {
  run(join(app, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], app);
});
check("the compiled pipeline runs and produces valid IR", () => {
  const out = run("node", ["dist/main.js"], app);
  if (!out.includes("fingerprint")) throw new Error(`unexpected output: ${out}`);
});
check("the installed `ordo` binary compiles the pipeline module", () => {
  const out = run(
    join(app, "node_modules/.bin/ordo"),
    ["compile", "dist/pipeline.js", "--json", "--name", "greet"],
    app,
  );
  const parsed = JSON.parse(out);
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!/^[0-9a-f]{64}$/.test(first.fingerprint)) throw new Error(`bad fingerprint in ${out}`);
});

if (!process.env.KEEP_CONSUMER) rmSync(work, { recursive: true, force: true });
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`consumer checks: ${passed} ok, ${failed} not ok`);
mkdirSync(join(root, ".tmp"), { recursive: true });
writeFileSync(join(root, ".tmp/consumer.json"), JSON.stringify({ passed, failed }));
process.exit(failed === 0 ? 0 : 1);
