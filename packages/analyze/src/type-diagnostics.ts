/** TypeScript diagnostics of a source file as Ordo {@link Diagnostic}s (code `TS<number>`). */
import { type SourceFile, ts } from "ts-morph";
import type { Diagnostic } from "./diagnostic.js";

/**
 * Syntax and type errors of `file`. The builder turns binding mistakes into type errors whose
 * message chain ends in an `OrdoTypeError<"sentence">`, so the chain is flattened into one line.
 */
export function typeDiagnostics(file: SourceFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const diagnostic of file.getPreEmitDiagnostics()) {
    const category = diagnostic.getCategory();
    if (category !== ts.DiagnosticCategory.Error && category !== ts.DiagnosticCategory.Warning)
      continue;
    const source = diagnostic.getSourceFile() ?? file;
    const start = diagnostic.getStart();
    const { line, column } =
      start === undefined ? { line: 1, column: 1 } : source.getLineAndColumnAtPos(start);
    const text = ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, "\n");
    out.push({
      file: source.getFilePath(),
      line,
      column,
      code: `TS${diagnostic.getCode()}`,
      message: text
        .split("\n")
        .map((part) => part.trim())
        .filter(Boolean)
        .join(" "),
      severity: category === ts.DiagnosticCategory.Error ? "error" : "warning",
    });
  }
  return out;
}
