import type { Node, SourceFile } from "ts-morph";
import type { Location } from "../errors.js";

/** The 1-based position of `node`'s start in `displayFile`, with its source line. */
export function locate(node: Node, displayFile: string): Location {
  return locateAt(node.getSourceFile(), node.getStart(), displayFile);
}

/** The 1-based position of offset `start` of `sourceFile`, with its source line. */
export function locateAt(sourceFile: SourceFile, start: number, displayFile: string): Location {
  const { line, column } = sourceFile.getLineAndColumnAtPos(start);
  const text = sourceFile.getFullText();
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const lineEnd = text.indexOf("\n", start);
  const sourceLine = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, "");
  return { file: displayFile, line, column, sourceLine };
}
