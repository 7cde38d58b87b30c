#!/usr/bin/env node
/**
 * The `ordo` executable. Everything lives in `main()`; this file only binds it to the process.
 * TypeScript pipeline modules load through tsx when node cannot load them itself (see load.ts).
 */
import { processIO } from "./io.js";
import { main } from "./main.js";

process.exitCode = await main(process.argv.slice(2), processIO());
