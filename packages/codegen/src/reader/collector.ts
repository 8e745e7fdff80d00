import type { Node, SourceFile } from "ts-morph";
import type { Location, ManifestError } from "../errors.js";
import { locate, locateAt } from "./location.js";

/** Gathers every problem of one manifest so they are reported together. */
export class ProblemCollector {
  readonly #displayFile: string;
  readonly problems: ManifestError[] = [];

  constructor(displayFile: string) {
    this.#displayFile = displayFile;
  }

  at(node: Node): Location {
    return locate(node, this.#displayFile);
  }

  atOffset(sourceFile: SourceFile, start: number): Location {
    return locateAt(sourceFile, start, this.#displayFile);
  }

  /** Records a problem once, however many times it is found. */
  add(error: ManifestError): void {
    if (this.problems.some((problem) => problem.message === error.message)) return;
    this.problems.push(error);
  }
}
