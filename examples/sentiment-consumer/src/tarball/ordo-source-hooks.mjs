/**
 * Module resolve hook for the tarball test: `@ordo/*` (the host framework, not under test here)
 * resolves with the `@ordo/source` condition, i.e. to the workspace's TypeScript sources, so the
 * test needs no build of the Ordo packages. Every other package, the installed
 * `@acme/ordo-step-sentiment` included, resolves with Node's default conditions, i.e. to the
 * `dist/` its tarball ships.
 */
export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith("@ordo/")) {
    return nextResolve(specifier, {
      ...context,
      conditions: [...context.conditions, "@ordo/source"],
    });
  }
  return nextResolve(specifier, context);
}
