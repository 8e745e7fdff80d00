import {
  CHILD_SIGNAL,
  type ChildEnding,
  type ChildRequest,
  childEndingId,
  EVENT_SIGNAL,
  type EventAwaited,
  newEvent,
  type ReceivedEvent,
  type RunKey,
  TOKEN_SIGNAL,
} from "../history/index.js";
import { decodePayload } from "../json.js";
import type { EventWaitInput, PendingCommand } from "../replay/commands.js";
import type { RunExecutor } from "../replay/executor.js";
import { eventMatchesWait } from "../store/rules/events.js";
import type { InboxSignal } from "../store/types.js";
import type { StepChanges } from "./step-changes.js";

/** What reading a run's inbox needs of the worker. */
export interface InboxHost {
  /** Unconsumed signals of the run with these names, in arrival order. */
  loadSignals(key: RunKey, names: readonly string[]): Promise<InboxSignal[]>;
  now(): number;
}

/**
 * A run's inbox as its actor last saw it: the wake_gen it read under, and the awaits already
 * matched against it since. Signal awaits take the oldest unconsumed signals of their name;
 * waited-for children take their endings (signal "/child"), token awaits their completion
 * ("/token"), event waits the oldest delivered event they match ("/event", rules/events.ts).
 * The inbox is read again only for
 * awaits not yet checked since it last could have changed (wake_gen moved).
 */
export class RunInbox {
  readonly #key: RunKey;
  readonly #host: InboxHost;
  #wakeGen: number;
  /** Awaits ("kind/name#seq") already matched against the inbox since it last changed. */
  readonly #checked = new Set<string>();
  /**
   * Every unconsumed signal as of `#wakeGen`, read along with the run (ClaimedRun.signals): the
   * first read of the inbox is served from it while the generation has not moved.
   */
  #readAlong: readonly InboxSignal[] | undefined;

  constructor(key: RunKey, host: InboxHost, wakeGen: number, readAlong?: readonly InboxSignal[]) {
    this.#key = key;
    this.#host = host;
    this.#wakeGen = wakeGen;
    this.#readAlong = readAlong;
  }

  /** The wake_gen the inbox was last read under, or is to be read under next. */
  get wakeGen(): number {
    return this.#wakeGen;
  }

  /**
   * wake_gen moved (a poke, or a commit saw it): the inbox may hold rows no await was matched
   * with. `readAlong`: every unconsumed signal as of `wakeGen`, when the poke brought them (a
   * signal sent in this process read the run back), so that the next read is served from them.
   */
  moveTo(wakeGen: number, readAlong?: readonly InboxSignal[]): void {
    this.#wakeGen = wakeGen;
    this.#checked.clear();
    this.#readAlong = readAlong;
  }

  /** Every await is matched again, wake_gen unchanged (a signal stored meanwhile may have moved it unseen). */
  recheck(): void {
    this.#checked.clear();
    this.#readAlong = undefined;
  }

  /**
   * Delivers what the inbox holds for the run's waiting awaits, recording each consumed signal
   * in `step` and when it was stored in `arrivals`. True when it delivered anything.
   */
  async apply(executor: RunExecutor, step: StepChanges, arrivals: number[]): Promise<boolean> {
    const awaiting = inboxAwaits(executor);
    if (awaiting.every((command) => this.#checked.has(awaitId(command)))) return false;
    const names = [...new Set(awaiting.map((command) => inboxName(command)))];
    const taken = new Set(step.signalsConsumed.map((signal) => signal.id));
    // A poke while the inbox is read means it may have missed a signal: then check again.
    const readUnder = this.#wakeGen;
    const rows = (await this.#read(names)).filter((row) => !taken.has(row.id));
    let delivered = false;
    for (let match = nextMatch(executor, rows, taken); match; match = nextMatch(executor, rows, taken)) {
      const { command, row } = match;
      taken.add(row.id);
      step.signalsConsumed.push({ id: row.id, seq: command.seq });
      if (command.kind === "signal") arrivals.push(row.createdAt);
      await this.#deliver(executor, command, row, step);
      delivered = true;
    }
    if (readUnder === this.#wakeGen) {
      // Only awaits whose names were read: one the workflow made after a delivery above (a
      // signal awaited once a child ended) has not been looked for yet.
      for (const command of inboxAwaits(executor)) {
        if (names.includes(inboxName(command))) this.#checked.add(awaitId(command));
      }
    }
    return delivered;
  }

  /**
   * The unconsumed signals with these names: those read along with the run, once (a step that
   * consumes some commits before the next read), else read from the store.
   */
  async #read(names: readonly string[]): Promise<InboxSignal[]> {
    const along = this.#readAlong;
    this.#readAlong = undefined;
    if (along !== undefined) return along.filter((row) => names.includes(row.signal));
    return this.#host.loadSignals(this.#key, names);
  }

  async #deliver(executor: RunExecutor, command: PendingCommand, row: InboxSignal, step: StepChanges): Promise<void> {
    const at = this.#host.now();
    const where = `signal ${row.id} of run ${this.#key.runId}`;
    if (command.kind === "signal") {
      const message = decodePayload(row.payloadText, where) ?? null;
      const event = newEvent.signalMessage(command.target, command.seq, row.id, row.payloadText ?? "null", at);
      await executor.deliver(event, { signalId: row.id, message });
      return;
    }
    const payloadText = row.payloadText ?? "null";
    switch (command.kind) {
      case "tokenAwait": {
        const completion = decodePayload(payloadText, where);
        await executor.deliver(newEvent.tokenCompleted(command.target, command.seq, payloadText, at), completion);
        return;
      }
      case "eventWait":
        step.eventWaitsEnded.push({ name: command.target, seq: command.seq });
        await executor.deliver(newEvent.eventReceived(command.target, command.seq, payloadText, at), receivedOf(row));
        return;
      default: {
        const ending = decodePayload(row.payloadText, where) as ChildEnding;
        const response = { runId: (command.input as ChildRequest).runId, ...ending };
        await executor.deliver(newEvent.childResponse(command.target, command.seq, response, at), response);
      }
    }
  }
}

/** The kinds of command the inbox answers. */
const INBOX_KINDS: ReadonlySet<string> = new Set(["signal", "child", "tokenAwait", "eventWait"]);

/** Commands the inbox answers: signal awaits, waited-for children, token awaits and event waits, in sequence order. */
function inboxAwaits(executor: RunExecutor): PendingCommand[] {
  return executor.pending().filter((command) => INBOX_KINDS.has(command.kind));
}

function awaitId(command: PendingCommand): string {
  return `${command.kind}/${command.target}#${command.seq}`;
}

/** The oldest unconsumed inbox row for the earliest waiting command it answers. */
function nextMatch(
  executor: RunExecutor,
  rows: readonly InboxSignal[],
  taken: ReadonlySet<number>,
): { command: PendingCommand; row: InboxSignal } | undefined {
  const awaiting = inboxAwaits(executor).sort((a, b) => a.seq - b.seq);
  for (const command of awaiting) {
    const row = rows.find((candidate) => !taken.has(candidate.id) && answers(command, candidate));
    if (row) return { command, row };
  }
  return undefined;
}

/** The inbox name a command waits for. */
function inboxName(command: PendingCommand): string {
  if (command.kind === "child") return CHILD_SIGNAL;
  if (command.kind === "tokenAwait") return TOKEN_SIGNAL;
  return command.kind === "eventWait" ? EVENT_SIGNAL : command.target;
}

/**
 * True when the inbox row answers the command: a signal of its name, the ending of its child,
 * the completion of its token, or an event its wait matches.
 */
function answers(command: PendingCommand, row: InboxSignal): boolean {
  switch (command.kind) {
    case "signal":
      return row.signal === command.target;
    case "tokenAwait":
      return row.signal === TOKEN_SIGNAL && row.externalId === command.target;
    case "eventWait":
      return row.signal === EVENT_SIGNAL && eventMatchesWait(waitOf(command), receivedOf(row));
    default: {
      const runId = (command.input as ChildRequest).runId;
      return row.signal === CHILD_SIGNAL && row.externalId === childEndingId({ workflow: command.target, runId });
    }
  }
}

/** What an event wait matches: as recorded in event_awaited (see requestEvent). */
function waitOf(command: PendingCommand): Pick<EventAwaited, "key" | "since" | "deadline"> & { name: string } {
  const { key, lookback } = command.input as EventWaitInput;
  return { name: command.target, key, since: command.issuedAt - lookback, deadline: command.deadline ?? 0 };
}

/** The event an inbox row of EVENT_SIGNAL delivers, parsed once per row. */
const received = new WeakMap<InboxSignal, ReceivedEvent>();
function receivedOf(row: InboxSignal): ReceivedEvent {
  let event = received.get(row);
  if (event === undefined) {
    event = decodePayload(row.payloadText, `event ${row.externalId} in an inbox`) as ReceivedEvent;
    received.set(row, event);
  }
  return event;
}
