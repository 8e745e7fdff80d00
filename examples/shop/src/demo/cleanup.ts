/** Things to undo, last started first stopped; `run()` runs them once however often it is called. */
export class Cleanup {
  readonly #steps: { readonly what: string; readonly undo: () => Promise<void> }[] = [];
  #running: Promise<void> | undefined;

  add(what: string, undo: () => Promise<void>): void {
    this.#steps.push({ what, undo });
  }

  run(): Promise<void> {
    this.#running ??= this.#runAll();
    return this.#running;
  }

  async #runAll(): Promise<void> {
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        await step.undo();
      } catch (error) {
        process.stderr.write(`shop demo: could not stop ${step.what}: ${String(error)}\n`);
      }
    }
  }
}
