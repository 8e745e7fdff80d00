import type { RunKey } from "../../history/index.js";
import type { RegisteredWait } from "../rules/events.js";
import { lookbackDeliveries, waitsToRegister } from "../rules/events.js";
import { newTokenRow, TokenState, tokenCompletion, tokenTimeoutRefusal } from "../rules/tokens.js";
import type { CompletedToken, StepWrite, TokenCompletionWrite } from "../types.js";
import type { MemoryTables } from "./tables.js";
import { addSignal } from "./writes.js";

/** Why the step may not be written: a token whose timeout it delivers was completed meanwhile. */
export function tokenRefusal(db: MemoryTables, step: StepWrite): string | undefined {
  for (const tokenId of step.tokensExpired ?? []) {
    const refusal = tokenTimeoutRefusal(tokenId, db.tokens.get(tokenId)?.state);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}

/**
 * A step's tokens and event waits: tokens created and expired, waits ended and begun (with the
 * events they look back on delivered to the run's inbox, which bumps its wake_gen).
 */
export function writeWaits(db: MemoryTables, step: StepWrite): void {
  const { key, iteration } = step;
  for (const token of step.tokensCreated ?? []) db.tokens.set(token.id, newTokenRow(key, iteration, token));
  for (const tokenId of step.tokensExpired ?? []) {
    const token = db.tokens.get(tokenId);
    if (token) db.tokens.set(tokenId, { ...token, state: TokenState.Expired });
  }
  const ended = new Set((step.eventWaitsEnded ?? []).map((wait) => `${wait.name}#${wait.seq}`));
  const isEnded = (wait: RegisteredWait) =>
    sameRun(wait.run, key) && wait.iteration === iteration && ended.has(`${wait.name}#${wait.seq}`);
  const kept = (db.eventWaits.get(key.namespace) ?? []).filter((wait) => !isEnded(wait));
  for (const wait of waitsToRegister(step)) {
    kept.push({ ...wait, run: key, iteration });
    const candidates = db.published.get(key.namespace) ?? [];
    for (const delivery of lookbackDeliveries(key, wait, candidates))
      addSignal(db, delivery.key, delivery.signal, step.now);
  }
  db.eventWaits.set(key.namespace, kept);
}

/** See ClientStore.completeToken. */
export function completeToken(db: MemoryTables, completion: TokenCompletionWrite): CompletedToken {
  const token = db.tokens.get(completion.tokenId);
  const run = token && db.run(token.run);
  const decision = tokenCompletion(completion.tokenId, token, run, completion);
  if (decision.kind === "already") return { completed: false, run: decision.run };
  if (token) db.tokens.set(token.tokenId, { ...token, state: decision.state });
  addSignal(db, decision.delivery.key, decision.delivery.signal, completion.now);
  db.changed(true);
  return { completed: true, run: decision.delivery.key };
}

/** The tokens and event waits of purged runs go with them. */
export function deleteWaitsOf(db: MemoryTables, runs: readonly RunKey[]): void {
  for (const [tokenId, token] of db.tokens) if (runs.some((run) => sameRun(run, token.run))) db.tokens.delete(tokenId);
  for (const [namespace, waits] of db.eventWaits) {
    db.eventWaits.set(
      namespace,
      waits.filter((wait) => !runs.some((run) => sameRun(run, wait.run))),
    );
  }
}

/** The event waits of an iteration that an operator ended or reset: no event is delivered to them any more. */
export function deleteIterationWaits(db: MemoryTables, run: RunKey, iteration: number): void {
  const waits = db.eventWaits.get(run.namespace);
  if (waits === undefined) return;
  db.eventWaits.set(
    run.namespace,
    waits.filter((wait) => !(sameRun(run, wait.run) && wait.iteration === iteration)),
  );
}

function sameRun(a: RunKey, b: RunKey): boolean {
  return a.namespace === b.namespace && a.workflow === b.workflow && a.runId === b.runId;
}
