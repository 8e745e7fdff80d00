/** What the templates print: every string precomputed, in output order. */

export interface RenderFunction {
  /** JSDoc line(s). */
  readonly doc: string;
  /** Everything up to and including the opening brace. */
  readonly signature: string;
  /** Body lines, indented. */
  readonly body: readonly string[];
}

export interface RenderInterface {
  readonly doc: string;
  /** `export interface X {` (with `extends` when needed). */
  readonly head: string;
  /** Member lines (doc comments included), indented. */
  readonly members: readonly string[];
}

export interface RenderWorkflow {
  readonly flow: RenderInterface;
  /** `export type XWorkflow = ...;` with its doc. */
  readonly workflowType: string;
  readonly functions: readonly RenderFunction[];
}

export interface RenderModel {
  readonly header: string;
  readonly imports: readonly string[];
  /** `export const` lines with docs. */
  readonly constants: readonly string[];
  /** Type aliases and constants built from the constants (queues, schedules), with docs. */
  readonly declarations: readonly string[];
  readonly interfaces: readonly RenderInterface[];
  readonly workflows: readonly RenderWorkflow[];
  /** start<Ns>Loops, the register functions and the private helpers. */
  readonly functions: readonly RenderFunction[];
  /** Exported aliases of the functions (`startReplayLoops`), with docs. */
  readonly aliases: readonly string[];
}
