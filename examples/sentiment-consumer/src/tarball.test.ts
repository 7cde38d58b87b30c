/**
 * The consumer runs the plugin as published: `npm pack` of `@acme/ordo-step-sentiment`, the
 * tarball installed with npm into a throwaway copy of this example, the copy's pipeline run. The
 * plugin must load from the installed `dist/`, not from the workspace's sources.
 */
import { lstatSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { sampleReviews } from "./pipeline.js";
import { installIntoCopy, makeWorkDir, packPlugin, runCopy, tarballFiles } from "./tarball/pack.js";

const work = makeWorkDir();
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("sentiment plugin from its tarball", () => {
  test("packs, installs offline and runs the pipeline from dist/", () => {
    const tarball = packPlugin(work);
    expect(tarballFiles(tarball)).toEqual([
      "README.md",
      "dist/index.d.ts",
      "dist/index.js",
      "dist/index.js.map",
      "package.json",
    ]);

    const app = installIntoCopy(work, tarball);
    const installed = join(app, "node_modules", "@acme", "ordo-step-sentiment");
    // A real directory unpacked from the tarball, not a link back into the workspace.
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);

    const report = runCopy(app);
    expect(fileURLToPath(report.pluginFile)).toBe(join(installed, "dist", "index.js"));
    expect(report.pluginFile).not.toContain("/examples/plugin-sentiment/");
    expect(report.routed.map((r) => [r.reviewId, r.queue])).toEqual(
      sampleReviews.map((r) => [r.reviewId, r.queue]),
    );
    expect(report.routed.find((r) => r.reviewId === "r-2")).toMatchObject({
      label: "negative",
      urgent: true,
    });
  }, 90_000);
});
