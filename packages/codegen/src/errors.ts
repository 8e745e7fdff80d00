/**
 * Every error replaygen reports. Manifest errors carry `file`, `line`, `column`
 * and the offending source line; each message says how to fix the problem.
 */

/** Base class: a stable `code` for programs, a message for people. */
export class CodegenError extends Error {
  override name = "CodegenError";
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Where a problem sits in a source file. */
export interface Location {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** The text of the offending line. */
  readonly sourceLine: string;
}

/** One problem in a manifest, at a location. */
export class ManifestError extends CodegenError {
  override name = "ManifestError";
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly sourceLine: string;
  /** The message without the location prefix. */
  readonly reason: string;
  constructor(code: string, at: Location, reason: string) {
    super(code, `${at.file}:${at.line}:${at.column}: ${reason}`);
    this.file = at.file;
    this.line = at.line;
    this.column = at.column;
    this.sourceLine = at.sourceLine;
    this.reason = reason;
  }

  /** `file:line:col: message`, then the source line and a caret under the column. */
  format(): string {
    const caret = `${" ".repeat(Math.max(0, this.column - 1))}^`;
    return `${this.message}\n  ${this.sourceLine}\n  ${caret}`;
  }
}

/** The manifest declares no workflow. */
export class NoWorkflowError extends ManifestError {
  override name = "NoWorkflowError";
  constructor(at: Location) {
    super(
      "NO_WORKFLOW",
      at,
      'the namespace declares no workflow: add one under `workflows: { name: workflow<In, Out>({ description: "..." }) }`',
    );
  }
}

/** The file has no `export default defineNamespace(...)`. */
export class NoDefaultExportError extends ManifestError {
  override name = "NoDefaultExportError";
  constructor(at: Location, detail: string) {
    super("NO_DEFAULT_EXPORT", at, `${detail}: a manifest must end with \`export default defineNamespace({ ... })\``);
  }
}

/** The manifest is not valid TypeScript: the compiler's parser says why. */
export class ManifestSyntaxError extends ManifestError {
  override name = "ManifestSyntaxError";
  constructor(at: Location, parserMessage: string) {
    super("SYNTAX_ERROR", at, `the manifest does not parse: ${parserMessage}; fix the syntax here`);
  }
}

/** The reader cannot evaluate this syntax without running the code. */
export class NotStaticError extends ManifestError {
  override name = "NotStaticError";
  constructor(at: Location, what: string, fix: string) {
    super("NOT_STATIC", at, `${what} cannot be read statically: ${fix}`);
  }
}

/** A name is empty, too long, contains "/", is not a usable identifier, or collides. */
export class InvalidManifestNameError extends ManifestError {
  override name = "InvalidManifestNameError";
  readonly kind: string;
  readonly value: string;
  constructor(at: Location, kind: string, value: string, reason: string) {
    super("INVALID_NAME", at, `${kind} name ${JSON.stringify(value)} is unusable: ${reason}`);
    this.kind = kind;
    this.value = value;
  }
}

/** A workflow, activity, signal or output has no description. */
export class MissingDescriptionError extends ManifestError {
  override name = "MissingDescriptionError";
  constructor(at: Location, kind: string, itemName: string) {
    super(
      "MISSING_DESCRIPTION",
      at,
      `${kind} ${JSON.stringify(itemName)} has no description: add \`description: "what it does"\` (a non-empty string literal)`,
    );
  }
}

/** An activity function does not have the `(ctx, backends, input) => Promise<T>` shape. */
export class ActivitySignatureError extends ManifestError {
  override name = "ActivitySignatureError";
  constructor(at: Location, activityName: string, problem: string) {
    super(
      "ACTIVITY_SIGNATURE",
      at,
      `activity ${JSON.stringify(activityName)} ${problem}: an activity is \`async (ctx: ActivityContext, backends: Backends, input: Input): Promise<Output>\``,
    );
  }
}

/** Two activities take different backends types. */
export class BackendsMismatchError extends ManifestError {
  override name = "BackendsMismatchError";
  constructor(at: Location, activityName: string, found: string, expected: string, first: string) {
    super(
      "BACKENDS_MISMATCH",
      at,
      `activity ${JSON.stringify(activityName)} takes backends of type ${found}, but ${JSON.stringify(first)} takes ${expected}: every activity of a namespace takes the same backends type`,
    );
  }
}

/** A type that JSON cannot carry faithfully. */
export class NonJsonTypeError extends ManifestError {
  override name = "NonJsonTypeError";
  readonly path: string;
  constructor(at: Location, what: string, path: string, problem: string) {
    super("NON_JSON_TYPE", at, `${what} cannot travel as JSON: ${path} ${problem}`);
    this.path = path;
  }
}

/** A workflow or message type could not be determined. */
export class MissingTypeError extends ManifestError {
  override name = "MissingTypeError";
  constructor(at: Location, what: string, fix: string) {
    super("MISSING_TYPE", at, `${what} has no type: ${fix}`);
  }
}

/** An option has a value the runtime cannot use. */
export class InvalidOptionError extends ManifestError {
  override name = "InvalidOptionError";
  constructor(at: Location, what: string, fix: string) {
    super("INVALID_OPTION", at, `${what}: ${fix}`);
  }
}

/** An options object has a key its call does not take: usually a misspelled one. */
export class UnknownOptionError extends ManifestError {
  override name = "UnknownOptionError";
  readonly key: string;
  readonly suggestion: string | undefined;
  constructor(at: Location, what: string, key: string, known: readonly string[], suggestion: string | undefined) {
    const takes = `it takes ${known.join(", ")}`;
    const fix = suggestion === undefined ? takes : `did you mean "${suggestion}"? (${takes})`;
    super("UNKNOWN_OPTION", at, `${what} has no option ${JSON.stringify(key)}: ${fix}`);
    this.key = key;
    this.suggestion = suggestion;
  }
}

/** A type in the manifest names something the compiler cannot find (a typo, or a missing import). */
export class UnknownTypeNameError extends ManifestError {
  override name = "UnknownTypeNameError";
  readonly typeName: string;
  constructor(at: Location, typeName: string, what: string, fix: string) {
    super("UNKNOWN_TYPE_NAME", at, `cannot find name ${JSON.stringify(typeName)} in ${what}: ${fix}`);
    this.typeName = typeName;
  }
}

/** A manifest entry names a workflow or queue the namespace does not declare. */
export class UnknownReferenceError extends ManifestError {
  override name = "UnknownReferenceError";
  readonly value: string;
  constructor(at: Location, what: string, value: string, kind: string, known: readonly string[]) {
    const choices =
      known.length === 0
        ? `the namespace declares no ${kind}`
        : `use ${known.length === 1 ? "" : "one of "}${known.map((name) => JSON.stringify(name)).join(", ")}`;
    super(
      "UNKNOWN_REFERENCE",
      at,
      `${what} ${JSON.stringify(value)}, which is not a ${kind} of this namespace: ${choices}`,
    );
    this.value = value;
  }
}

/** Several problems in one manifest, reported together. */
export class ManifestErrors extends CodegenError {
  override name = "ManifestErrors";
  readonly errors: readonly ManifestError[];
  constructor(errors: readonly ManifestError[]) {
    super("MANIFEST_INVALID", errors.map((error) => error.format()).join("\n"));
    this.errors = errors;
  }
}

/** The manifest file does not exist or cannot be read. */
export class ManifestNotFoundError extends CodegenError {
  override name = "ManifestNotFoundError";
  readonly file: string;
  constructor(file: string) {
    super(
      "MANIFEST_NOT_FOUND",
      `manifest ${file} does not exist: pass the path of a .ts file that default-exports defineNamespace(...)`,
    );
    this.file = file;
  }
}

/** The handlebars templates could not be found. */
export class TemplatesNotFoundError extends CodegenError {
  override name = "TemplatesNotFoundError";
  constructor(searched: readonly string[]) {
    super(
      "TEMPLATES_NOT_FOUND",
      `replaygen templates not found in ${searched.join(", ")}: reinstall @replaykit/codegen, or build it (npm run build -w @replaykit/codegen) so templates/ is copied`,
    );
  }
}

/** A template does not fit the view it prints or the helpers it calls: a bug in replaygen's templates, not in the manifest. */
export class TemplateError extends CodegenError {
  override name = "TemplateError";
  constructor(problem: string, options?: { cause?: unknown }) {
    super(
      "TEMPLATE_INVALID",
      `replaygen's templates are broken: ${problem}. Fix the template (templates/README.md lists the helpers; src/render/view.ts each view's fields), or reinstall @replaykit/codegen`,
      options,
    );
  }
}
