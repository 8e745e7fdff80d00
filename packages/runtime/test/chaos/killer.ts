import type { Kill } from "../processes/checks.js";
import { WorkerProcess } from "../processes/children.js";
import type { ChildConfig } from "../processes/config.js";

/** How many times killRandom looks for a worker holding leases (25 ms apart). */
const BUSY_LOOKS = 40;

/**
 * A fixed number of worker slots. `killRandom` SIGKILLs the worker of a random occupied slot and
 * starts its replacement in the background, so kills keep their pace while replacements boot.
 */
export class WorkerSlots {
  readonly kills: Kill[] = [];
  /** Every process ever started, for the log checks at the end. */
  readonly all: WorkerProcess[] = [];
  /** Replacements that would not start even after retries. */
  readonly bootFailures: string[] = [];
  readonly #slots: (WorkerProcess | undefined)[];
  readonly #booting = new Set<Promise<void>>();
  readonly #config: (identity: string) => ChildConfig;
  #generation = 0;

  constructor(count: number, config: (identity: string) => ChildConfig) {
    this.#slots = Array.from({ length: count }, () => undefined);
    this.#config = config;
  }

  /** Fills every slot and waits until each worker runs. */
  async start(): Promise<void> {
    for (let slot = 0; slot < this.#slots.length; slot++) this.#boot(slot);
    await this.settled();
  }

  /** Waits for the replacements still booting. */
  async settled(): Promise<void> {
    while (this.#booting.size > 0) await Promise.all(this.#booting);
  }

  /** `leasesOf` counts the victim's leases just before the kill (undefined when it cannot tell). */
  async killRandom(leasesOf: (identity: string) => Promise<number | undefined>): Promise<void> {
    const occupied = this.#slots.flatMap((worker, slot) => (worker ? [slot] : []));
    // A random worker, chosen among those holding leases when any does, so kills hit work in
    // flight: leases are held only while activities run, so look a few times before settling.
    let leases: (number | undefined)[] = [];
    let busy: number[] = [];
    for (let look = 0; look < BUSY_LOOKS && busy.length === 0; look++) {
      if (look > 0) await new Promise((resolve) => setTimeout(resolve, 25));
      leases = await Promise.all(occupied.map((slot) => leasesOf(this.#slots[slot]?.identity ?? "")));
      busy = occupied.filter((_, i) => (leases[i] ?? 0) > 0);
    }
    const pool = busy.length > 0 ? busy : occupied;
    const slot = pool[Math.floor(Math.random() * pool.length)];
    if (slot === undefined) return;
    const victim = this.#slots[slot];
    if (!victim) return;
    this.#slots[slot] = undefined;
    const leasesHeld = leases[occupied.indexOf(slot)];
    this.kills.push({ at: Date.now(), worker: victim.identity, ...(leasesHeld === undefined ? {} : { leasesHeld }) });
    await victim.kill();
    this.#boot(slot);
  }

  /** SIGTERMs every worker and returns their exits. */
  async terminateAll(): Promise<{ identity: string; code: number | null }[]> {
    await this.settled();
    const running = this.#slots.filter((worker): worker is WorkerProcess => worker !== undefined);
    return Promise.all(
      running.map(async (worker) => ({ identity: worker.identity, code: (await worker.terminate()).code })),
    );
  }

  #boot(slot: number): void {
    const tracked = this.#bootWithRetries(slot).finally(() => this.#booting.delete(tracked));
    this.#booting.add(tracked);
  }

  async #bootWithRetries(slot: number): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const identity = `w${slot}-g${this.#generation++}`;
      try {
        const worker = await WorkerProcess.start(this.#config(identity));
        this.all.push(worker);
        this.#slots[slot] = worker;
        return;
      } catch (error) {
        this.bootFailures.push(`${identity}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
