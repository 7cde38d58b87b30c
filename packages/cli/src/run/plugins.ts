/**
 * Step plugins for `ordo run`, `ordo worker` and `ordo demo`: collected from the exports of
 * plugin modules (a `defineStep` plugin, or an array of them), and checked against the step types
 * a pipeline's IR needs before any execution starts.
 */
import { OrdoError, type PipelineIR } from "@ordo/core";
import { isStepPlugin, type StepPlugin } from "@ordo/step";
import { usageError } from "../command.js";
import { importModule, resolvePath } from "../load.js";

/** `type@major`: the key workers match plugins by (see `createWorker`). */
export function pluginKey(type: string, version: string): string {
  return `${type}@${version.split(".")[0] ?? version}`;
}

/** The plugins among a module's exports: plugin values and arrays of plugins, in export order. */
export function pluginsIn(module: Readonly<Record<string, unknown>>): StepPlugin[] {
  const found: StepPlugin[] = [];
  for (const value of Object.values(module)) {
    if (isStepPlugin(value)) found.push(value);
    else if (Array.isArray(value)) found.push(...value.filter(isStepPlugin));
  }
  return found;
}

/**
 * Imports `specs` (paths relative to `cwd`; each may list several, comma-separated) and returns
 * their plugins without duplicates (first module wins for a `type@major`). A module exporting no
 * plugin is a usage error: it was named on purpose, so an empty result is a mistake.
 */
export async function loadPluginModules(
  cwd: string,
  specs: readonly string[],
): Promise<StepPlugin[]> {
  const plugins: StepPlugin[] = [];
  for (const file of specs.flatMap((spec) => spec.split(",")).filter((f) => f.length > 0)) {
    const found = pluginsIn(await importModule(resolvePath(cwd, file), file));
    if (found.length === 0) {
      throw usageError(
        `'${file}' exports no step plugin (a defineStep() value or an array of them)`,
      );
    }
    plugins.push(...found);
  }
  return dedupePlugins(plugins);
}

/** Keeps the first plugin of each `type@major`. */
export function dedupePlugins(plugins: readonly StepPlugin[]): StepPlugin[] {
  const byKey = new Map<string, StepPlugin>();
  for (const plugin of plugins) {
    const key = pluginKey(plugin.type, plugin.version);
    if (!byKey.has(key)) byKey.set(key, plugin);
  }
  return [...byKey.values()];
}

/** Step types (`type@version`) of `ir` that no plugin in `plugins` runs. */
export function missingPlugins(ir: PipelineIR, plugins: readonly StepPlugin[]): string[] {
  const have = new Set(plugins.map((plugin) => pluginKey(plugin.type, plugin.version)));
  const missing = new Set<string>();
  for (const step of ir.steps) {
    // Human-input steps are run by the runtime itself (they wait for client.submitInput).
    if (step.type === "ordo.human-input") continue;
    if (!have.has(pluginKey(step.type, step.typeVersion))) {
      missing.add(`${step.type}@${step.typeVersion}`);
    }
  }
  return [...missing];
}

/**
 * Throws `PLUGIN_NOT_FOUND` (exit 1) when in-process workers could not run some step of `ir`: the
 * execution would otherwise sit forever with an unclaimable step.
 */
export function assertPluginsCover(ir: PipelineIR, plugins: readonly StepPlugin[]): void {
  const missing = missingPlugins(ir, plugins);
  if (missing.length === 0) return;
  throw new OrdoError(
    "PLUGIN_NOT_FOUND",
    `no plugin for step type(s) ${missing.join(", ")} of pipeline '${ir.name}'; pass the ` +
      "module(s) that export them with --plugins, or run with --workers 0 and external workers",
    { details: { missing } },
  );
}
