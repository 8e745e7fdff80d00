import type { Expression, Node } from "ts-morph";
import { ts } from "../compiler.js";
import { InvalidOptionError, MissingTypeError, NonJsonTypeError, UnknownTypeNameError } from "../errors.js";
import type { ImportTable } from "../model/imports.js";
import type {
  MessageModel,
  NamespaceModel,
  RequestModel,
  StreamModel,
  TagModel,
  TypeRef,
  ValueRef,
  WorkflowModel,
} from "../model/model.js";
import type { ProblemCollector } from "./collector.js";
import { ImportableNames } from "./importable.js";
import { findJsonProblem } from "./json-check.js";
import { TypePrinter } from "./print-type.js";
import type { RawMessage, RawNamespace, RawRequest, RawStream, RawTag, RawWorkflow } from "./raw.js";
import { ActivityReader } from "./read-activities.js";
import { readQueues } from "./read-queues.js";
import { readSchedules } from "./read-schedules.js";
import { runStreams } from "./read-streams.js";
import { checkSharedEvents, importManifest, triggerModel } from "./read-trigger.js";
import { SchemaReader } from "./schema-types.js";
import { readSecretFields } from "./secret-fields.js";
import { findUnresolvedNames } from "./unresolved-names.js";
import { importValue } from "./values.js";

/** Where the manifest's types are read and where the generated file goes. */
export interface TypeContext {
  readonly program: ts.Program;
  /** The directory of the generated file. */
  readonly outDir: string;
  /** The manifest's package: its files are imported by relative path. */
  readonly packageRoot: string;
  /** The runtime's ActivityContext; undefined when the runtime cannot be resolved. */
  readonly activityContext: ts.Type | undefined;
}

/** A payload's type as readers get it and as writers pass it. */
interface Payload {
  readonly read: TypeRef;
  readonly write: TypeRef;
  /** The type as readers get it, when the checker has one. */
  readonly type?: ts.Type;
}

/** Resolves every type of the manifest through the checker into the plain model. */
export class TypeReader {
  readonly #program: ts.Program;
  readonly #checker: ts.TypeChecker;
  readonly #printer: TypePrinter;
  readonly #schemas: SchemaReader;
  readonly #activities: ActivityReader;
  readonly #imports: ImportTable;
  readonly #problems: ProblemCollector;
  readonly #outDir: string;
  #unresolved = false;

  constructor(context: TypeContext, imports: ImportTable, problems: ProblemCollector) {
    const checker = context.program.getTypeChecker();
    const names = new ImportableNames(context.program, context.outDir, context.packageRoot);
    this.#program = context.program;
    this.#checker = checker;
    this.#printer = new TypePrinter(context.program, imports, names);
    this.#schemas = new SchemaReader(checker, this.#printer, imports, names);
    this.#activities = new ActivityReader(checker, this.#printer, imports, problems, context.activityContext);
    this.#imports = imports;
    this.#problems = problems;
    this.#outDir = context.outDir;
  }

  /** True once a type the compiler could not resolve was met: the result may differ with every global type loaded. */
  get sawUnresolvedType(): boolean {
    return this.#unresolved || this.#printer.sawUnresolved;
  }

  read(ns: RawNamespace): NamespaceModel {
    const activities = this.#activities.read(
      ns.activities,
      ns.register,
      (type, node, what) => this.#checkJson(type, node, what),
      (raw) => this.#streams(raw.streams, `activity ${JSON.stringify(raw.name)}`),
    );
    const workflows = ns.workflows.map((workflow) => {
      const model = this.#workflow(workflow, ns.register);
      return { ...model, runStreams: runStreams(model.streams, activities, this.#problems) };
    });
    const backends = this.#activities.backends();
    checkSharedEvents(workflows, this.#problems);
    const triggered = workflows.some((workflow) => workflow.trigger !== undefined);
    const manifestPath = ns.sourceFile.getFilePath();
    const manifest = triggered ? importManifest(this.#imports, this.#outDir, manifestPath, ns.name) : undefined;
    return {
      name: ns.name,
      manifestPath: ns.sourceFile.getFilePath(),
      workflows: workflows.sort(byName),
      activities: activities.sort(byName),
      queues: readQueues(ns.queues, this.#problems).sort(byName),
      schedules: readSchedules(ns.schedules, this.#problems).sort(byName),
      secretFields: [...new Set([...workflows, ...activities].flatMap((item) => item.secret))].sort(),
      ...(backends === undefined ? {} : { backends }),
      ...(manifest === undefined ? {} : { manifest }),
      imports: this.#imports.all(),
    };
  }

  #workflow(raw: RawWorkflow, registerAll: boolean): WorkflowModel {
    const what = `workflow ${JSON.stringify(raw.name)}`;
    const inputSchema = this.#schema(raw.inputSchema, `the input schema of ${what}`);
    const outputSchema = this.#schema(raw.outputSchema, `the output schema of ${what}`);
    const fix = (kind: string) =>
      `pass type arguments, \`workflow<Input, Output>({ ... })\`, or a zod schema as \`${kind}: Schema\``;
    const input = this.#payload(
      raw.inputTypeNode,
      raw.inputSchema,
      inputSchema,
      raw.call,
      `the input of ${what}`,
      fix("input"),
    );
    const output = this.#payload(
      raw.outputTypeNode,
      raw.outputSchema,
      outputSchema,
      raw.call,
      `the result of ${what}`,
      fix("output"),
    );
    return {
      name: raw.name,
      description: raw.description,
      input: input.read,
      inputToWrite: input.write,
      output: output.read,
      outputToWrite: output.write,
      ...(inputSchema === undefined ? {} : { inputSchema }),
      ...(outputSchema === undefined ? {} : { outputSchema }),
      signals: raw.signals.map((signal) => this.#message(signal, "signal", raw.name)).sort(byName),
      updates: raw.updates.map((update) => this.#request(update, raw.name)).sort(byName),
      queries: raw.queries.map((query) => this.#request(query, raw.name)).sort(byName),
      outputs: raw.outputs.map((output) => this.#message(output, "output", raw.name)).sort(byName),
      register: registerAll || raw.register,
      children: [...new Set(raw.children.map((child) => child.name))].sort(),
      ...(raw.queue === undefined ? {} : { queue: raw.queue.name }),
      ...(raw.trigger === undefined ? {} : this.#trigger(raw, input, inputSchema)),
      secret: readSecretFields(raw.secret, [input.type, output.type], this.#checker, what, this.#problems),
      tags: raw.tags.map((tag) => this.#tag(tag, raw.name)).sort(byName),
      streams: this.#streams(raw.streams, what),
      runStreams: [],
      location: this.#problems.at(raw.keyNode),
    };
  }

  /** The streams a workflow or an activity (`owner`) declares: each needs a type argument, checked for JSON. */
  #streams(raws: readonly RawStream[], owner: string): StreamModel[] {
    return raws
      .map((raw) => {
        const what = `the values of stream ${JSON.stringify(raw.name)} of ${owner}`;
        const fix = "pass a type argument, `stream<Chunk>()`";
        const payload = this.#payload(raw.typeNode, undefined, undefined, raw.call, what, fix);
        return {
          name: raw.name,
          ...(raw.description === undefined ? {} : { description: raw.description }),
          type: payload.read,
          owner,
          location: this.#problems.at(raw.keyNode),
        };
      })
      .sort(byName);
  }

  /** A tag's value type: its type argument (string without one), which must be a tag value. */
  #tag(raw: RawTag, workflow: string): TagModel {
    const location = this.#problems.at(raw.keyNode);
    const { description } = raw;
    if (raw.typeNode === undefined) return { name: raw.name, description, type: { text: "string" }, location };
    const type = this.#program.getTypeChecker().getTypeFromTypeNode(raw.typeNode.compilerNode as ts.TypeNode);
    const tagLike = ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike;
    const parts = type.isUnion() ? type.types : [type];
    if (!parts.every((part) => (part.flags & tagLike) !== 0)) {
      const what = `tag ${JSON.stringify(raw.name)} of workflow ${JSON.stringify(workflow)}`;
      const found = this.#printer.print(type).text;
      const fix = `its type is ${found}; a tag holds a string, a number or a boolean: tag<string>(), tag<number>(), tag<"free" | "pro">()`;
      this.#problems.add(new InvalidOptionError(this.#problems.at(raw.typeNode), what, fix));
    }
    return { name: raw.name, description, type: this.#printer.print(type), location };
  }

  /** The trigger's event type: onEvent's type argument (checked for JSON), else the input callers write. */
  #trigger(raw: RawWorkflow, input: Payload, schema: ValueRef | undefined) {
    const trigger = raw.trigger;
    if (trigger === undefined) return {};
    let type = input.write;
    let typeToRead = input.read;
    if (trigger.typeNode !== undefined) {
      const checked = this.#program.getTypeChecker().getTypeFromTypeNode(trigger.typeNode.compilerNode as ts.TypeNode);
      this.#checkJson(checked, trigger.typeNode, `the event of the trigger of workflow ${JSON.stringify(raw.name)}`);
      type = this.#printer.print(checked);
      typeToRead = schema === undefined ? type : input.read;
    }
    const model = triggerModel(trigger, raw.name, { type, typeToRead, schema }, this.#problems);
    return model === undefined ? {} : { trigger: model };
  }

  #message(raw: RawMessage, kind: "signal" | "output", workflow: string): MessageModel {
    const what = `${kind} ${JSON.stringify(raw.name)} of workflow ${JSON.stringify(workflow)}`;
    const schema = this.#schema(raw.schema, `the schema of ${what}`);
    const fix = `pass a type argument, \`${kind}<Message>({ ... })\`, or a schema, \`${kind}(Schema, { ... })\``;
    const payload = this.#payload(raw.typeNode, raw.schema, schema, raw.call, `the message of ${what}`, fix);
    return {
      name: raw.name,
      description: raw.description,
      type: payload.read,
      typeToWrite: payload.write,
      ...(schema === undefined ? {} : { schema }),
      location: this.#problems.at(raw.keyNode),
    };
  }

  /** An update's or query's input (none when its type is `void` or `undefined`) and answer. */
  #request(raw: RawRequest, workflow: string): RequestModel {
    const what = `${raw.kind} ${JSON.stringify(raw.name)} of workflow ${JSON.stringify(workflow)}`;
    const inputSchema = this.#schema(raw.inputSchema, `the input schema of ${what}`);
    const outputSchema = this.#schema(raw.outputSchema, `the output schema of ${what}`);
    const fix = (key: string) =>
      `pass type arguments, \`${raw.kind}<Input, Result>()\` (\`void\` input: none), or a zod schema as \`${key}: Schema\``;
    const input = this.#takesNoInput(raw)
      ? undefined
      : this.#payload(raw.inputTypeNode, raw.inputSchema, inputSchema, raw.call, `the input of ${what}`, fix("input"));
    const output = this.#payload(
      raw.outputTypeNode,
      raw.outputSchema,
      outputSchema,
      raw.call,
      `the result of ${what}`,
      fix("output"),
    );
    return {
      name: raw.name,
      ...(raw.description === undefined ? {} : { description: raw.description }),
      ...(input === undefined ? {} : { input: input.read, inputToWrite: input.write }),
      output: output.read,
      outputToWrite: output.write,
      ...(inputSchema === undefined ? {} : { inputSchema }),
      ...(outputSchema === undefined ? {} : { outputSchema }),
      location: this.#problems.at(raw.keyNode),
    };
  }

  /** `update<void, R>()`: the handler takes nothing, and the helpers no input parameter. */
  #takesNoInput(raw: RawRequest): boolean {
    if (raw.inputSchema !== undefined || raw.inputTypeNode === undefined) return false;
    const node = raw.inputTypeNode.compilerNode as ts.TypeNode;
    const type = this.#program.getTypeChecker().getTypeFromTypeNode(node);
    return (type.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined)) !== 0;
  }

  /**
   * A payload's types: read from the type argument when there is one, else from the schema's
   * `parse` result; written as the schema's input type when there is a schema. Checked for JSON.
   */
  #payload(
    typeNode: Node | undefined,
    schemaNode: Expression | undefined,
    schema: ValueRef | undefined,
    at: Node,
    what: string,
    fix: string,
  ): Payload {
    const fromSchema =
      schemaNode === undefined || schema === undefined
        ? undefined
        : this.#schemas.read(schemaNode.compilerNode, schema);
    if (typeNode !== undefined) {
      const type = this.#program.getTypeChecker().getTypeFromTypeNode(typeNode.compilerNode as ts.TypeNode);
      this.#checkJson(type, typeNode, what);
      const read = this.#printer.print(type);
      return { read, write: fromSchema?.write ?? read, type };
    }
    if (fromSchema !== undefined && schemaNode !== undefined) {
      if (fromSchema.parsed !== undefined) this.#checkJson(fromSchema.parsed, schemaNode, what);
      return { read: fromSchema.read, write: fromSchema.write, ...optionalType(fromSchema.parsed) };
    }
    if (schemaNode === undefined) this.#problems.add(new MissingTypeError(this.#problems.at(at), what, fix));
    return { read: { text: "unknown" }, write: { text: "unknown" } };
  }

  #schema(node: Expression | undefined, what: string): ValueRef | undefined {
    return node === undefined ? undefined : importValue(node, what, this.#imports, this.#problems);
  }

  #checkJson(type: ts.Type, node: Node, what: string): void {
    const problem = findJsonProblem(this.#program.getTypeChecker(), this.#program, type);
    if (problem === undefined) return;
    if (problem.unresolved) this.#unresolved = true;
    if ((problem.unresolved || problem.any) && this.#reportUnresolvedNames(node, what)) return;
    this.#problems.add(new NonJsonTypeError(this.#problems.at(node), what, problem.path, problem.problem));
  }

  /**
   * Reports the names in `node` that resolve to nothing, which is why its type is unresolved
   * or `any`; false when there are none (the type is what its author wrote).
   */
  #reportUnresolvedNames(node: Node, what: string): boolean {
    const names = findUnresolvedNames(node.compilerNode, this.#program);
    const sourceFile = node.getSourceFile();
    for (const name of names) {
      const at = this.#problems.atOffset(sourceFile, name.at.getStart());
      this.#problems.add(new UnknownTypeNameError(at, name.name, what, name.fix));
    }
    return names.length > 0;
  }
}

function optionalType(type: ts.Type | undefined): { type?: ts.Type } {
  return type === undefined ? {} : { type };
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
