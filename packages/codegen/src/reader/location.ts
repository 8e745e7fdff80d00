import type { Node } from "ts-morph";
import type { Location } from "../errors.js";

/** The 1-based position of `node`'s start in `displayFile`, with its source line. */
export function locate(node: Node, displayFile: string): Location {
  const sourceFile = node.getSourceFile();
  const start = node.getStart();
  const { line, column } = sourceFile.getLineAndColumnAtPos(start);
  const text = sourceFile.getFullText();
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const lineEnd = text.indexOf("\n", start);
  const sourceLine = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, "");
  return { file: displayFile, line, column, sourceLine };
}
