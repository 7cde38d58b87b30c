/**
 * Locating builder chains statically: `pipeline({...}).step("a", ...).dependsOn(...).step(...)`
 * rooted at a `pipeline(...)` call imported from `@ordo/sdk`, without running any code. A chain
 * that ends in `const base = ...` is followed through the places `base` is extended
 * (`base.step(...)`), so each extension is a chain of its own that starts with base's steps.
 */
import { type CallExpression, Node, type SourceFile, SyntaxKind } from "ts-morph";

/** A reference to a step found in a binding callback: `$.steps.<id>` or `$.ref("steps.<id>...")`. */
export interface StepReference {
  readonly stepId: string;
  readonly node: Node;
}

/** A `.step(id, spec)` call of a chain. */
export interface StepSite {
  /** The literal id, or undefined when the id is not a string literal (cannot be checked). */
  readonly id: string | undefined;
  readonly idNode: Node;
  readonly call: CallExpression;
  /** `.dependsOn("x")` arguments applying to this step. */
  readonly dependsOn: StepReference[];
  /** Step references inside the spec (its binding callback and options). */
  readonly references: readonly StepReference[];
  /** Calls of `.policies()` / `.trigger()` applying to this step. */
  readonly modifiers: CallExpression[];
}

/** One statically located pipeline definition. */
export interface PipelineChain {
  readonly root: CallExpression;
  /** The `name` of `pipeline({ name })` when it is a string literal. */
  readonly name: string | undefined;
  readonly steps: readonly StepSite[];
  readonly outputs: readonly {
    readonly call: CallExpression;
    readonly references: readonly StepReference[];
  }[];
  /** The outermost call of the chain (where the builder value ends up). */
  readonly end: Node;
}

const SDK = /^@ordo\/sdk(\/|$)/;
/** Chains are followed through at most this many `const` hops (guards against odd code). */
const MAX_HOPS = 8;
const BUILDER_METHODS = new Set(["step", "dependsOn", "policies", "trigger", "output"]);

/** Every pipeline chain in `file` (empty when it does not import `pipeline` from `@ordo/sdk`). */
export function findPipelineChains(file: SourceFile): PipelineChain[] {
  const { direct, namespaces } = sdkImports(file);
  if (direct.size === 0 && namespaces.size === 0) return [];
  const chains: PipelineChain[] = [];
  for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    if (!isPipelineCall(call, direct, namespaces)) continue;
    const name = pipelineName(call);
    const start: Draft = { root: call, name, steps: [], outputs: [], end: call };
    walk(call, start, chains, 0);
  }
  return chains;
}

function sdkImports(file: SourceFile): { direct: Set<string>; namespaces: Set<string> } {
  const direct = new Set<string>();
  const namespaces = new Set<string>();
  for (const declaration of file.getImportDeclarations()) {
    if (!SDK.test(declaration.getModuleSpecifierValue())) continue;
    const namespace = declaration.getNamespaceImport();
    if (namespace) namespaces.add(namespace.getText());
    for (const named of declaration.getNamedImports()) {
      if (named.getName() === "pipeline") direct.add(named.getAliasNode()?.getText() ?? "pipeline");
    }
  }
  return { direct, namespaces };
}

function isPipelineCall(
  call: CallExpression,
  direct: Set<string>,
  namespaces: Set<string>,
): boolean {
  const callee = call.getExpression();
  if (Node.isIdentifier(callee)) return direct.has(callee.getText());
  return (
    Node.isPropertyAccessExpression(callee) &&
    callee.getName() === "pipeline" &&
    namespaces.has(callee.getExpression().getText())
  );
}

function pipelineName(call: CallExpression): string | undefined {
  const options = call.getArguments()[0];
  if (!Node.isObjectLiteralExpression(options)) return undefined;
  const property = options.getProperty("name");
  const initializer = Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
  return initializer && Node.isStringLiteral(initializer)
    ? initializer.getLiteralValue()
    : undefined;
}

interface Draft {
  root: CallExpression;
  name: string | undefined;
  steps: StepSite[];
  outputs: { call: CallExpression; references: StepReference[] }[];
  end: Node;
}

/** Follows method calls on `node`; pushes the finished chain (and its `const` extensions). */
function walk(node: Node, draft: Draft, out: PipelineChain[], hops: number): void {
  let current = node;
  for (;;) {
    const access = current.getParent();
    const call = access?.getParent();
    if (!Node.isPropertyAccessExpression(access) || access.getExpression() !== current) break;
    if (!Node.isCallExpression(call) || call.getExpression() !== access) break;
    applyMethod(access.getName(), call, draft);
    current = call;
  }
  draft.end = current;
  out.push(copyDraft(draft));
  const declaration = current.getParent();
  if (hops >= MAX_HOPS || !Node.isVariableDeclaration(declaration)) return;
  if (declaration.getInitializer() !== current) return;
  const nameNode = declaration.getNameNode();
  if (!Node.isIdentifier(nameNode)) return;
  for (const reference of nameNode.findReferencesAsNodes()) {
    const parent = reference.getParent();
    const extended =
      Node.isPropertyAccessExpression(parent) &&
      parent.getExpression() === reference &&
      BUILDER_METHODS.has(parent.getName());
    if (extended) {
      walk(reference, copyDraft(draft), out, hops + 1);
    }
  }
}

function applyMethod(method: string, call: CallExpression, draft: Draft): void {
  const args = call.getArguments();
  const last = draft.steps.at(-1);
  if (method === "step") {
    const idNode = args[0] ?? call;
    const id =
      Node.isStringLiteral(idNode) || Node.isNoSubstitutionTemplateLiteral(idNode)
        ? idNode.getLiteralValue()
        : undefined;
    const references = args.slice(1).flatMap((arg) => stepReferences(arg));
    draft.steps.push({ id, idNode, call, dependsOn: [], references, modifiers: [] });
  } else if (method === "dependsOn" && last) {
    for (const arg of args) {
      if (Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg)) {
        last.dependsOn.push({ stepId: arg.getLiteralValue(), node: arg });
      }
    }
  } else if ((method === "policies" || method === "trigger") && last) {
    last.modifiers.push(call);
  } else if (method === "output") {
    draft.outputs.push({ call, references: args.flatMap((arg) => stepReferences(arg)) });
  }
}

function copyDraft(draft: Draft): Draft {
  return {
    ...draft,
    steps: draft.steps.map((step) => ({
      ...step,
      dependsOn: [...step.dependsOn],
      modifiers: [...step.modifiers],
    })),
    outputs: [...draft.outputs],
  };
}

/**
 * Step references inside `node`: `$.steps.<id>`, `$.steps["<id>"]` and `$.ref("steps.<id>...")`
 * where `$` is a parameter of a function written inside `node` (the binding callback).
 */
export function stepReferences(node: Node): StepReference[] {
  const references: StepReference[] = [];
  for (const access of node.getDescendants()) {
    if (Node.isPropertyAccessExpression(access) || Node.isElementAccessExpression(access)) {
      const reference = stepAccess(access, node);
      if (reference) references.push(reference);
    } else if (Node.isCallExpression(access)) {
      const reference = refCall(access, node);
      if (reference) references.push(reference);
    }
  }
  return references;
}

function stepAccess(access: Node, within: Node): StepReference | undefined {
  if (!Node.isPropertyAccessExpression(access) && !Node.isElementAccessExpression(access))
    return undefined;
  const steps = access.getExpression();
  if (!Node.isPropertyAccessExpression(steps) || steps.getName() !== "steps") return undefined;
  if (!isScopeParameter(steps.getExpression(), within)) return undefined;
  if (Node.isPropertyAccessExpression(access)) {
    return { stepId: access.getName(), node: access.getNameNode() };
  }
  const argument = access.getArgumentExpression();
  if (Node.isStringLiteral(argument) || Node.isNoSubstitutionTemplateLiteral(argument)) {
    return { stepId: argument.getLiteralValue(), node: argument };
  }
  return undefined;
}

function refCall(call: CallExpression, within: Node): StepReference | undefined {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== "ref") return undefined;
  if (!isScopeParameter(callee.getExpression(), within)) return undefined;
  const [path] = call.getArguments();
  if (!Node.isStringLiteral(path) && !Node.isNoSubstitutionTemplateLiteral(path)) return undefined;
  const match = /^steps\.([^.]+)/.exec(path.getLiteralValue());
  return match?.[1] === undefined ? undefined : { stepId: match[1], node: path };
}

/** True when `node` is an identifier declared as a parameter of a function inside `within`. */
function isScopeParameter(node: Node, within: Node): boolean {
  if (!Node.isIdentifier(node)) return false;
  const declarations = node.getSymbol()?.getDeclarations() ?? [];
  return declarations.some(
    (declaration) =>
      Node.isParameterDeclaration(declaration) &&
      declaration.getPos() >= within.getPos() &&
      declaration.getEnd() <= within.getEnd(),
  );
}
