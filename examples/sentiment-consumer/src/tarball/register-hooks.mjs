/** `node --import tsx --import ./register-hooks.mjs app.ts`: registers ordo-source-hooks.mjs. */
import { register } from "node:module";

register("./ordo-source-hooks.mjs", import.meta.url);
