import type { Printer } from "./types.js";

/** Prints to stdout. */
export const consolePrinter: Printer = {
  async print(line) {
    process.stdout.write(`${line}\n`);
  },
};

/** Keeps the lines, for tests. */
export class MemoryPrinter implements Printer {
  readonly lines: string[] = [];

  async print(line: string): Promise<void> {
    this.lines.push(line);
  }
}
