/**
 * Reading the reference runtime's JSON the way it reads it: property names match
 * case-insensitively. Unlike the reference, which silently ignores unknown properties
 * (SEED-SPEC 18.17), every property nobody consumed is reported with its JSON path.
 */

/** One problem found while importing; `path` is a JSON path into the reference document. */
export interface ImportIssue {
  readonly severity: "warning" | "error";
  /** `IMPORT_UNMAPPED` for things that could not be carried over; IR codes for invalid output. */
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

/** Collects {@link ImportIssue}s in document order. */
export class IssueLog {
  readonly issues: ImportIssue[] = [];

  warn(path: string, message: string, code = "IMPORT_UNMAPPED"): void {
    this.issues.push({ severity: "warning", code, path, message });
  }

  error(path: string, message: string, code = "IMPORT_UNMAPPED"): void {
    this.issues.push({ severity: "error", code, path, message });
  }
}

/** Appends a property or index to a JSON path: `$.a`, `$.a["b c"]`, `$.a[2]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)
    ? `${path}.${key}`
    : `${path}[${JSON.stringify(key)}]`;
}

/** True for a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Case-insensitive view of one JSON object that remembers which properties were read, so the
 * rest can be reported as unmapped.
 */
export class PropertyReader {
  private readonly used = new Set<string>();

  constructor(
    private readonly object: Readonly<Record<string, unknown>>,
    readonly path: string,
  ) {}

  /** Value of the first property matching one of `names` (case-insensitive), marking it read. */
  take(...names: string[]): unknown {
    for (const name of names) {
      const key = this.keyOf(name);
      if (key !== undefined) {
        this.used.add(key);
        return this.object[key];
      }
    }
    return undefined;
  }

  /** JSON path of the property matching `name`, spelled as in the document. */
  pathOf(name: string): string {
    return childPath(this.path, this.keyOf(name) ?? name);
  }

  /** Properties not read so far, as `[key, value]` pairs. */
  rest(): [string, unknown][] {
    return Object.entries(this.object).filter(([key]) => !this.used.has(key));
  }

  /** Warns about every property not read so far, then marks them read. */
  reportUnknown(log: IssueLog, where: string): void {
    for (const [key] of this.rest()) {
      log.warn(childPath(this.path, key), `unknown ${where} property '${key}' ignored`);
      this.used.add(key);
    }
  }

  private keyOf(name: string): string | undefined {
    const lower = name.toLowerCase();
    return Object.keys(this.object).find((key) => key.toLowerCase() === lower);
  }
}

/** Reads `value` as a finite number, else warns and returns undefined. */
export function numberAt(value: unknown, path: string, log: IssueLog): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  log.warn(path, `expected a number, got ${JSON.stringify(value)}; ignored`);
  return undefined;
}

/** Reads `value` as a string, else warns and returns undefined. */
export function stringAt(value: unknown, path: string, log: IssueLog): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  log.warn(path, `expected a string, got ${JSON.stringify(value)}; ignored`);
  return undefined;
}
