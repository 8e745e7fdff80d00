import path from "node:path";
import type { Project, SourceFile } from "ts-morph";
import { ts } from "../compiler.js";
import { ManifestErrors, ManifestSyntaxError } from "../errors.js";
import { HELPERS, ids, RUNTIME_IMPORTS } from "../model/identifiers.js";
import { ImportTable } from "../model/imports.js";
import type { NamespaceModel } from "../model/model.js";
import { checkIdentifiers } from "./check-identifiers.js";
import { checkReferences } from "./check-references.js";
import { ProblemCollector } from "./collector.js";
import type { RawNamespace } from "./raw.js";
import { checkRequestNames } from "./read-requests.js";
import { readSyntax } from "./read-syntax.js";
import { TypeReader } from "./read-types.js";
import { activityContextType, includeRuntime } from "./runtime-types.js";

export interface ReadOptions {
  /** Names the manifest in errors. */
  readonly displayFile: string;
  /** The manifest's package: its files are imported by relative path. */
  readonly packageRoot: string;
  /**
   * Whether `project` loads every global type the tsconfig lists. When it does not (the quick first
   * try) and a type cannot be resolved or has a problem, the result is "incomplete": read again
   * with everything.
   */
  readonly complete: boolean;
}

export type ReadOutcome = { readonly kind: "model"; readonly model: NamespaceModel } | { readonly kind: "incomplete" };

/**
 * Reads the manifest `sourceFile` of `project` into the plain model.
 * Throws ManifestErrors listing every problem found.
 */
export function readManifest(project: Project, sourceFile: SourceFile, options: ReadOptions): ReadOutcome {
  const problems = new ProblemCollector(options.displayFile);
  reportParseErrors(project, sourceFile, problems);
  const raw = readSyntax(sourceFile, problems);
  if (raw === undefined) throw new ManifestErrors(sortProblems(problems));
  for (const workflow of raw.workflows) checkRequestNames(workflow, problems);
  checkIdentifiers(raw, problems);
  checkReferences(raw, problems);
  const syntaxProblems = problems.problems.length;
  const imports = new ImportTable(reservedNames(raw));
  const manifestPath = sourceFile.getFilePath();
  const runtimeFile = raw.activities.length > 0 ? includeRuntime(project, manifestPath) : undefined;
  const program = project.getProgram().compilerObject;
  const reader = new TypeReader(
    {
      program,
      outDir: path.dirname(manifestPath),
      packageRoot: options.packageRoot,
      activityContext: activityContextType(program, runtimeFile),
    },
    imports,
    problems,
  );
  let model: NamespaceModel | undefined;
  try {
    // Types are read even when the syntax pass found problems, so one run reports them all.
    model = reader.read(raw);
  } catch (error) {
    // A manifest broken enough to trip the type pass still gets its syntax problems reported.
    if (syntaxProblems === 0) throw error;
  }
  // A problem found by the type pass is reported only as the complete program sees it: a missing
  // global can turn a type into `any` without leaving an unresolved type behind.
  const typeProblems = problems.problems.length > syntaxProblems;
  if (!options.complete && (reader.sawUnresolvedType || typeProblems)) return { kind: "incomplete" };
  if (problems.problems.length > 0 || model === undefined) throw new ManifestErrors(sortProblems(problems));
  return { kind: "model", model };
}

/**
 * The parser's own errors in the manifest. The reader walks whatever tree the parser
 * recovered, so without these a manifest that does not parse (e.g. `{ description: "d": 1 }`)
 * could still yield generated code.
 */
function reportParseErrors(project: Project, sourceFile: SourceFile, problems: ProblemCollector): void {
  const program = project.getProgram().compilerObject;
  for (const diagnostic of program.getSyntacticDiagnostics(sourceFile.compilerNode)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ").replace(/\.$/, "");
    problems.add(new ManifestSyntaxError(problems.atOffset(sourceFile, diagnostic.start), message));
  }
}

function sortProblems(problems: ProblemCollector) {
  return [...problems.problems].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Identifiers the generated file declares or imports from the runtime; user imports are aliased around them. */
function reservedNames(raw: RawNamespace): string[] {
  const names: string[] = [...RUNTIME_IMPORTS, ...HELPERS];
  names.push(ids.namespaceConst(raw.name), ids.outputEvent(raw.name), ids.streamOptions(raw.name));
  names.push(ids.loopsOptions(raw.name), ids.registry(raw.name), ids.createRegistry(raw.name));
  names.push(ids.registryOptions(raw.name), ids.startRegistry(raw.name), ids.startLoops(), ids.workflowFns(raw.name));
  names.push(ids.startNamespaceLoops(raw.name));
  names.push(ids.triggersConst(raw.name), ids.eventsType(raw.name), ids.publishEvent(raw.name));
  names.push(ids.queueName(raw.name), ids.runOptions(raw.name), ids.childOptions(raw.name));
  names.push(ids.updateHandle(raw.name), ids.updateHandlerOptions(raw.name));
  names.push(ids.scheduleOptions(raw.name), ids.queuesConst(raw.name), ids.schedulesConst(raw.name));
  names.push(ids.secretFieldsConst(raw.name));
  for (const wf of raw.workflows) {
    names.push(ids.workflowConst(wf.name), ids.flow(wf.name), ids.workflowType(wf.name), ids.run(wf.name));
    names.push(
      ids.awaitResult(wf.name),
      ids.registerWorkflow(wf.name),
      ids.flowFactory(wf.name),
      ids.mockFlow(wf.name),
      ids.schedule(wf.name),
    );
    if (wf.tags.length > 0) names.push(ids.tagsType(wf.name));
    names.push(ids.streamsType(wf.name), ids.readStream(wf.name));
    for (const signal of wf.signals)
      names.push(ids.signal(wf.name, signal.name), ids.signalConst(wf.name, signal.name));
    for (const signal of wf.signals) names.push(ids.signalWithStart(wf.name, signal.name));
    for (const update of wf.updates)
      names.push(
        ids.update(wf.name, update.name),
        ids.startUpdate(wf.name, update.name),
        ids.updateWithStart(wf.name, update.name),
        ids.updateConst(wf.name, update.name),
      );
    for (const query of wf.queries) names.push(ids.query(wf.name, query.name), ids.queryConst(wf.name, query.name));
    for (const output of wf.outputs)
      names.push(ids.stream(wf.name, output.name), ids.outputConst(wf.name, output.name));
  }
  for (const activity of raw.activities)
    names.push(
      ids.activityConst(activity.name),
      ids.registerActivity(activity.name),
      ids.activityContext(activity.name),
    );
  for (const queue of raw.queues) names.push(ids.queueConst(queue.name));
  for (const schedule of raw.schedules) names.push(ids.scheduleConst(schedule.name));
  return names;
}
