#!/usr/bin/env node
/**
 * Last line of `npm test`: one total over the vitest run and the consumer test, in the plain
 * `N passed, N failed` form CI logs are read by. Reads the JSON both wrote under `.tmp/`.
 */
import { readFileSync } from "node:fs";

const vitest = JSON.parse(readFileSync(".tmp/vitest.json", "utf8"));
const consumer = JSON.parse(readFileSync(".tmp/consumer.json", "utf8"));
const passed = vitest.numPassedTests + consumer.passed;
const failed = vitest.numFailedTests + consumer.failed;
const skipped = vitest.numPendingTests + vitest.numTodoTests;
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
