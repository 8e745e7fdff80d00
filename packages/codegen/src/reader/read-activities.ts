import type { Node, ts } from "ts-morph";
import { ActivitySignatureError, BackendsMismatchError } from "../errors.js";
import type { ImportTable } from "../model/imports.js";
import type { ActivityModel, LiteralValue, StreamModel, TypeRef } from "../model/model.js";
import { type ActivityTypes, readActivityTypes } from "./activity-signature.js";
import type { ProblemCollector } from "./collector.js";
import { checkDuration, checkRetry, DURATION_OPTIONS, readLiteral } from "./literal.js";
import type { TypePrinter } from "./print-type.js";
import type { RawActivity } from "./raw.js";
import { readSecretFields } from "./secret-fields.js";
import { importValue } from "./values.js";

type JsonCheck = (type: ts.Type, node: Node, what: string) => void;
type StreamsReader = (raw: RawActivity) => StreamModel[];

/** An activity that declares a backends type, for choosing the namespace's. */
interface BackendsUse {
  readonly raw: RawActivity;
  readonly type: ts.Type;
}

/** Reads the activities of a namespace and chooses the one backends type they all accept. */
export class ActivityReader {
  readonly #checker: ts.TypeChecker;
  readonly #printer: TypePrinter;
  readonly #imports: ImportTable;
  readonly #problems: ProblemCollector;
  readonly #activityContext: ts.Type | undefined;
  readonly #backends: BackendsUse[] = [];

  constructor(
    checker: ts.TypeChecker,
    printer: TypePrinter,
    imports: ImportTable,
    problems: ProblemCollector,
    activityContext: ts.Type | undefined,
  ) {
    this.#checker = checker;
    this.#printer = printer;
    this.#imports = imports;
    this.#problems = problems;
    this.#activityContext = activityContext;
  }

  read(
    raws: readonly RawActivity[],
    registerAll: boolean,
    checkJson: JsonCheck,
    readStreams: StreamsReader,
  ): ActivityModel[] {
    const models: ActivityModel[] = [];
    for (const raw of raws) {
      const model = this.#activity(raw, registerAll, checkJson);
      if (model !== undefined) models.push({ ...model, streams: readStreams(raw) });
    }
    return models;
  }

  /**
   * The backends type of the namespace: the first declared one that every other activity's
   * backends parameter accepts (so `unknown`, or a narrower view of the same type, is fine).
   * Reports each activity that does not accept the first one when there is none.
   */
  backends(): TypeRef | undefined {
    const assignable = (from: ts.Type, to: ts.Type) => this.#checker.isTypeAssignableTo(from, to);
    const chosen = this.#backends.find((use) => this.#backends.every((other) => assignable(use.type, other.type)));
    if (chosen !== undefined) return this.#printer.print(chosen.type);
    const [first, ...others] = this.#backends;
    if (first === undefined) return undefined;
    for (const other of others.filter((use) => !assignable(first.type, use.type))) {
      const found = this.#printer.print(other.type).text;
      const expected = this.#printer.print(first.type).text;
      const at = this.#problems.at(other.raw.fn);
      this.#problems.add(new BackendsMismatchError(at, other.raw.name, found, expected, first.raw.name));
    }
    return undefined;
  }

  #activity(raw: RawActivity, registerAll: boolean, checkJson: JsonCheck): Omit<ActivityModel, "streams"> | undefined {
    const fn = importValue(
      raw.fn,
      `the function of activity ${JSON.stringify(raw.name)}`,
      this.#imports,
      this.#problems,
    );
    const types = readActivityTypes(this.#checker, raw.fn.compilerNode, this.#activityContext);
    if (typeof types === "string") {
      this.#problems.add(new ActivitySignatureError(this.#problems.at(raw.fn), raw.name, types));
      return undefined;
    }
    if (types.backends !== undefined) this.#backends.push({ raw, type: types.backends });
    const what = `activity ${JSON.stringify(raw.name)}`;
    if (types.input !== undefined) checkJson(types.input, raw.fn, `the input of ${what}`);
    checkJson(types.output, raw.fn, `the result of ${what}`);
    if (fn === undefined) return undefined;
    return {
      name: raw.name,
      description: raw.description,
      fn,
      ...this.#input(types),
      output: this.#printer.print(types.output),
      options: this.#options(raw),
      register: registerAll || raw.register,
      secret: readSecretFields(
        raw.secret,
        [types.input ?? types.output, types.output],
        this.#checker,
        what,
        this.#problems,
      ),
      location: this.#problems.at(raw.keyNode),
    };
  }

  #input(types: ActivityTypes): { input?: TypeRef } {
    return types.input === undefined ? {} : { input: this.#printer.print(types.input) };
  }

  #options(raw: RawActivity): Record<string, LiteralValue> {
    const options: Record<string, LiteralValue> = {};
    const what = `the retry option of activity ${JSON.stringify(raw.name)}`;
    const retry = raw.retry === undefined ? undefined : readLiteral(raw.retry, what, this.#problems);
    if (raw.retry !== undefined && retry !== undefined && checkRetry(retry, raw.retry, "retry", this.#problems)) {
      options["retry"] = retry;
    }
    for (const key of DURATION_OPTIONS) {
      const node = raw.durations[key];
      const value = node === undefined ? undefined : readLiteral(node, key, this.#problems);
      if (node !== undefined && value !== undefined && checkDuration(value, node, key, this.#problems)) {
        options[key] = value;
      }
    }
    if (raw.queue !== undefined) options["queue"] = raw.queue.name;
    return options;
  }
}
