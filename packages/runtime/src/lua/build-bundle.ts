/**
 * Writes `bundle.generated.ts` from `lua/*.lua` (includes expanded), so the published package
 * carries its scripts without reading files at run time. `bundle.test.ts` fails when the committed
 * bundle is stale. Run from the repository root:
 * `node --import tsx packages/runtime/src/lua/build-bundle.ts`.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { assembleAll, renderBundle } from "./expand.js";

const luaDir = fileURLToPath(new URL("../../../../lua/", import.meta.url));
const target = fileURLToPath(new URL("./bundle.generated.ts", import.meta.url));
writeFileSync(target, renderBundle(assembleAll(luaDir)));
console.log(`wrote ${target}`);
