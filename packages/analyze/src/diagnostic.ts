/** The one problem record every analysis reports, with a source position. */
import type { Node } from "ts-morph";

/** A problem found in a source file; positions are 1-based, as editors show them. */
export interface Diagnostic {
  /** Path of the file as given to the analysis (absolute when discovered). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** An Ordo error code (`IR_BINDING_UNKNOWN_STEP`) or a TypeScript code (`TS2339`). */
  readonly code: string;
  readonly message: string;
  readonly severity: "error" | "warning";
}

/** A diagnostic located at `node` (its first non-trivia character). */
export function diagnosticAt(
  node: Node,
  code: string,
  message: string,
  severity: Diagnostic["severity"] = "error",
): Diagnostic {
  const file = node.getSourceFile();
  const { line, column } = file.getLineAndColumnAtPos(node.getStart());
  return { file: file.getFilePath(), line, column, code, message, severity };
}

/** Sorts by file, line, column, then drops exact duplicates (a base chain shared by two exports). */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return [...diagnostics]
    .sort(
      (a, b) =>
        a.file.localeCompare(b.file) ||
        a.line - b.line ||
        a.column - b.column ||
        a.code.localeCompare(b.code),
    )
    .filter((diagnostic) => {
      const key = `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}:${diagnostic.code}:${diagnostic.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
