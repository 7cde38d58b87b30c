#!/usr/bin/env node
/**
 * `npm test` pre-flight: the integration suites need a real Redis. Uses `REDIS_URL` when set;
 * otherwise needs `redis-server` on PATH. On a fresh Debian machine where we are root, installs
 * Debian's `redis-server` package (what CI does); anywhere else, says exactly what to do.
 */
import { execSync } from "node:child_process";

function has(command) {
  try {
    execSync(`command -v ${command}`, { stdio: "ignore", shell: "/bin/sh" });
    return true;
  } catch {
    return false;
  }
}

if (process.env.REDIS_URL) {
  console.log(`[ensure-redis] using REDIS_URL=${process.env.REDIS_URL}`);
} else if (has("redis-server")) {
  console.log(`[ensure-redis] ${execSync("redis-server --version").toString().trim()}`);
} else if (process.getuid?.() === 0 && has("apt-get")) {
  console.log("[ensure-redis] redis-server not found: installing Debian's redis-server package");
  execSync(
    "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server",
    {
      stdio: "inherit",
      shell: "/bin/sh",
    },
  );
} else {
  console.error(
    "[ensure-redis] The tests need a real Redis: install it (`sudo apt-get install redis-server`, " +
      "`brew install redis`) or set REDIS_URL=redis://host:port.",
  );
  process.exit(1);
}
