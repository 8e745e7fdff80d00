/** One thing wrong with a page, reported as `file:line: message`. */
export interface Problem {
  /** Relative to the repository root. */
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}
