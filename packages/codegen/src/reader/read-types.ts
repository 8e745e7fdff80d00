import type { Expression, Node, ts } from "ts-morph";
import { ActivitySignatureError, BackendsMismatchError, MissingTypeError, NonJsonTypeError } from "../errors.js";
import type { ImportTable } from "../model/imports.js";
import type {
  ActivityModel,
  LiteralValue,
  MessageModel,
  NamespaceModel,
  TypeRef,
  ValueRef,
  WorkflowModel,
} from "../model/model.js";
import type { ProblemCollector } from "./collector.js";
import { findJsonProblem } from "./json-check.js";
import { checkDuration, checkRetry, readLiteral } from "./literal.js";
import { TypePrinter } from "./print-type.js";
import type { RawActivity, RawMessage, RawNamespace, RawWorkflow } from "./raw.js";
import { importValue } from "./values.js";

/** Resolves every type of the manifest through the checker into the plain model. */
export class TypeReader {
  readonly #checker: ts.TypeChecker;
  readonly #program: ts.Program;
  readonly #printer: TypePrinter;
  readonly #imports: ImportTable;
  readonly #problems: ProblemCollector;
  #backends: { text: string; activity: string } | undefined;

  constructor(program: ts.Program, imports: ImportTable, outDir: string, problems: ProblemCollector) {
    this.#program = program;
    this.#checker = program.getTypeChecker();
    this.#printer = new TypePrinter(program, imports, outDir);
    this.#imports = imports;
    this.#problems = problems;
  }

  read(ns: RawNamespace): NamespaceModel {
    const activities = ns.activities.map((activity) => this.#activity(activity, ns.register));
    const workflows = ns.workflows.map((workflow) => this.#workflow(workflow, ns.register));
    return {
      name: ns.name,
      manifestPath: ns.sourceFile.getFilePath(),
      workflows: workflows.sort(byName),
      activities: activities.filter((item) => item !== undefined).sort(byName),
      ...(this.#backends === undefined ? {} : { backends: { text: this.#backends.text } }),
      imports: this.#imports.all(),
    };
  }

  #workflow(raw: RawWorkflow, registerAll: boolean): WorkflowModel {
    const what = `workflow ${JSON.stringify(raw.name)}`;
    const inputSchema = this.#schema(raw.inputSchema, `the input schema of ${what}`);
    const outputSchema = this.#schema(raw.outputSchema, `the output schema of ${what}`);
    const fix = (kind: string) =>
      `pass type arguments, \`workflow<Input, Output>({ ... })\`, or a zod schema as \`${kind}: Schema\``;
    return {
      name: raw.name,
      description: raw.description,
      input: this.#declaredType(
        raw.inputTypeNode,
        raw.inputSchema,
        inputSchema,
        raw.call,
        `the input of ${what}`,
        fix("input"),
      ),
      output: this.#declaredType(
        raw.outputTypeNode,
        raw.outputSchema,
        outputSchema,
        raw.call,
        `the result of ${what}`,
        fix("output"),
      ),
      ...(inputSchema === undefined ? {} : { inputSchema }),
      ...(outputSchema === undefined ? {} : { outputSchema }),
      signals: raw.signals.map((signal) => this.#message(signal, "signal", raw.name)).sort(byName),
      outputs: raw.outputs.map((output) => this.#message(output, "output", raw.name)).sort(byName),
      register: registerAll || raw.register,
      location: this.#problems.at(raw.keyNode),
    };
  }

  #message(raw: RawMessage, kind: "signal" | "output", workflow: string): MessageModel {
    const what = `${kind} ${JSON.stringify(raw.name)} of workflow ${JSON.stringify(workflow)}`;
    const schema = this.#schema(raw.schema, `the schema of ${what}`);
    const fix = `pass a type argument, \`${kind}<Message>({ ... })\`, or a schema, \`${kind}(Schema, { ... })\``;
    return {
      name: raw.name,
      description: raw.description,
      type: this.#declaredType(raw.typeNode, raw.schema, schema, raw.call, `the message of ${what}`, fix),
      ...(schema === undefined ? {} : { schema }),
      location: this.#problems.at(raw.keyNode),
    };
  }

  /** The type from a type argument, else from a schema's `parse` result; checked for JSON. */
  #declaredType(
    typeNode: Node | undefined,
    schemaNode: Expression | undefined,
    schema: ValueRef | undefined,
    at: Node,
    what: string,
    fix: string,
  ): TypeRef {
    if (typeNode !== undefined) {
      const type = this.#checker.getTypeFromTypeNode(typeNode.compilerNode as ts.TypeNode);
      this.#checkJson(type, typeNode, what);
      return this.#printer.print(type);
    }
    if (schemaNode !== undefined && schema !== undefined) {
      const parsed = this.#parseResult(schemaNode);
      if (parsed !== undefined) this.#checkJson(parsed, schemaNode, what);
      return { text: `ReturnType<typeof ${schema.local}.parse>` };
    }
    if (schemaNode === undefined) this.#problems.add(new MissingTypeError(this.#problems.at(at), what, fix));
    return { text: "unknown" };
  }

  #parseResult(schemaNode: Expression): ts.Type | undefined {
    const schemaType = this.#checker.getTypeAtLocation(schemaNode.compilerNode);
    const parse = schemaType.getProperty("parse");
    if (parse === undefined) return undefined;
    const parseType = this.#checker.getTypeOfSymbolAtLocation(parse, schemaNode.compilerNode);
    const signature = parseType.getCallSignatures()[0];
    return signature === undefined ? undefined : this.#checker.getReturnTypeOfSignature(signature);
  }

  #schema(node: Expression | undefined, what: string): ValueRef | undefined {
    return node === undefined ? undefined : importValue(node, what, this.#imports, this.#problems);
  }

  #checkJson(type: ts.Type, node: Node, what: string): void {
    const problem = findJsonProblem(this.#checker, this.#program, type);
    if (problem !== undefined) {
      this.#problems.add(new NonJsonTypeError(this.#problems.at(node), what, problem.path, problem.problem));
    }
  }

  #activity(raw: RawActivity, registerAll: boolean): ActivityModel | undefined {
    const fn = importValue(
      raw.fn,
      `the function of activity ${JSON.stringify(raw.name)}`,
      this.#imports,
      this.#problems,
    );
    const signature = this.#activitySignature(raw);
    if (fn === undefined || signature === undefined) return undefined;
    return {
      name: raw.name,
      description: raw.description,
      fn,
      input: signature.input,
      output: signature.output,
      options: this.#activityOptions(raw),
      register: registerAll || raw.register,
      location: this.#problems.at(raw.keyNode),
    };
  }

  #activitySignature(raw: RawActivity): { input: TypeRef; output: TypeRef } | undefined {
    const problem = (text: string) =>
      this.#problems.add(new ActivitySignatureError(this.#problems.at(raw.fn), raw.name, text));
    const fnType = this.#checker.getTypeAtLocation(raw.fn.compilerNode);
    const signatures = fnType.getCallSignatures();
    const signature = signatures[0];
    if (signature === undefined || signatures.length > 1) {
      problem(signature === undefined ? "is not a function" : "is overloaded");
      return undefined;
    }
    const [ctx, backends, input, ...extra] = signature
      .getParameters()
      .map((parameter) => this.#parameterType(parameter, raw.fn));
    if (ctx === undefined || backends === undefined || input === undefined || extra.length > 0) {
      problem(`takes ${signature.getParameters().length} parameter(s), not 3`);
      return undefined;
    }
    if (!this.#isActivityContext(ctx)) {
      problem(`takes ${this.#checker.typeToString(ctx)} as its first parameter, not ActivityContext`);
      return undefined;
    }
    const result = this.#promised(this.#checker.getReturnTypeOfSignature(signature));
    if (result === undefined) {
      problem("does not return a Promise");
      return undefined;
    }
    this.#checkBackends(raw, backends);
    const what = `activity ${JSON.stringify(raw.name)}`;
    this.#checkJson(input, raw.fn, `the input of ${what}`);
    this.#checkJson(result, raw.fn, `the result of ${what}`);
    return { input: this.#printer.print(input), output: this.#printer.print(result) };
  }

  #parameterType(parameter: ts.Symbol, at: Expression): ts.Type {
    return this.#checker.getTypeOfSymbolAtLocation(parameter, at.compilerNode);
  }

  #isActivityContext(type: ts.Type): boolean {
    return (type.aliasSymbol ?? type.getSymbol())?.getName() === "ActivityContext";
  }

  #promised(type: ts.Type): ts.Type | undefined {
    if (type.getSymbol()?.getName() !== "Promise") return undefined;
    return this.#checker.getTypeArguments(type as ts.TypeReference)[0];
  }

  #checkBackends(raw: RawActivity, type: ts.Type): void {
    const text = this.#printer.print(type).text;
    if (this.#backends === undefined) {
      this.#backends = { text, activity: raw.name };
    } else if (this.#backends.text !== text) {
      const at = this.#problems.at(raw.fn);
      this.#problems.add(new BackendsMismatchError(at, raw.name, text, this.#backends.text, this.#backends.activity));
    }
  }

  #activityOptions(raw: RawActivity): Record<string, LiteralValue> {
    const options: Record<string, LiteralValue> = {};
    const what = `the retry option of activity ${JSON.stringify(raw.name)}`;
    const retry = raw.retry === undefined ? undefined : readLiteral(raw.retry, what, this.#problems);
    if (raw.retry !== undefined && retry !== undefined && checkRetry(retry, raw.retry, "retry", this.#problems)) {
      options["retry"] = retry;
    }
    const timeout = raw.timeout === undefined ? undefined : readLiteral(raw.timeout, "timeout", this.#problems);
    if (
      raw.timeout !== undefined &&
      timeout !== undefined &&
      checkDuration(timeout, raw.timeout, "timeout", this.#problems)
    ) {
      options["timeout"] = timeout;
    }
    return options;
  }
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
