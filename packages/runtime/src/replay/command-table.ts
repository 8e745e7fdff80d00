import { type CommandKind, commandKey, type WaitingCommand } from "./commands.js";

/**
 * The commands of one iteration by key (see commandKey): the sequence number each (kind, target)
 * gives its next command, the commands waiting for their completion in issue order, and the keys
 * already answered. A second completion for an answered key is ignored; in replay, a completion
 * for a key never issued is a determinism fault.
 */
export class CommandTable {
  readonly #sequences = new Map<string, number>();
  readonly #waiting = new Map<string, WaitingCommand>();
  /** Made at the first answer: a cached run still waiting for its first command keeps none. */
  #answered: Set<string> | undefined;

  /** The sequence number the next command of (kind, target) gets. */
  nextSeq(kind: CommandKind, target: string): number {
    return this.#sequences.get(sequenceKey(kind, target)) ?? 0;
  }

  /** Takes the sequence number of a new command of (kind, target). */
  takeSeq(kind: CommandKind, target: string): number {
    const seq = this.nextSeq(kind, target);
    this.#sequences.set(sequenceKey(kind, target), seq + 1);
    return seq;
  }

  wait(command: WaitingCommand): void {
    this.#waiting.set(commandKey(command.kind, command.target, command.seq), command);
  }

  /** The command `key` while it waits for its completion. */
  waiting(key: string): WaitingCommand | undefined {
    return this.#waiting.get(key);
  }

  /** The commands waiting for their completion, in issue order. */
  values(): IterableIterator<WaitingCommand> {
    return this.#waiting.values();
  }

  /** Command `key` got its answer: it waits no more. Undefined when it was not waiting. */
  answer(key: string): WaitingCommand | undefined {
    const command = this.#waiting.get(key);
    if (command === undefined) return undefined;
    this.#waiting.delete(key);
    this.#answered ??= new Set();
    this.#answered.add(key);
    return command;
  }

  /** Every waiting command got its answer at once (a cancellation): they are returned in issue order. */
  answerAll(): WaitingCommand[] {
    const waiting = [...this.#waiting.values()];
    for (const key of [...this.#waiting.keys()]) this.answer(key);
    return waiting;
  }

  /** True when command `key` was answered before. */
  answered(key: string): boolean {
    return this.#answered?.has(key) === true;
  }
}

/** The key of a command's per-(kind, target) sequence counter. */
function sequenceKey(kind: CommandKind, target: string): string {
  return `${kind}\u0000${target}`;
}
