import type { Transaction } from "../../api.js";
import { type StoredToken, type TokenState, tokenCompletion } from "../rules/tokens.js";
import type { CompletedToken, TokenCompletionWrite } from "../types.js";
import { type Row, text } from "./rows.js";
import { insertSignal } from "./writes.js";

/**
 * See ClientStore.completeToken, in a transaction (the caller's or ours). The token's run row is
 * locked before the token row, in the order a step that expires the token takes them, so the
 * two never deadlock; with both locked, tokenCompletion decides, and an accepted completion sets
 * the token's state and goes into the run's inbox, waking the run.
 */
export async function completeToken(
  conn: Transaction,
  p: string,
  completion: TokenCompletionWrite,
): Promise<CompletedToken> {
  const { tokenId, now } = completion;
  // Which run the token belongs to never changes: read without a lock, to lock the run first.
  const [owners] = await conn.query<Row[]>(`SELECT namespace, workflow, run_id FROM ${p}tokens WHERE token_id = ?`, [
    tokenId,
  ]);
  const owner = owners[0];
  const key = owner && { namespace: text(owner.namespace), workflow: text(owner.workflow), runId: text(owner.run_id) };
  const [runs] = key
    ? await conn.query<Row[]>(
        `SELECT status, iteration FROM ${p}runs WHERE namespace = ? AND workflow = ? AND run_id = ? FOR UPDATE`,
        [key.namespace, key.workflow, key.runId],
      )
    : [[] as Row[]];
  const [tokens] = await conn.query<Row[]>(
    `SELECT iteration, state, expires_at FROM ${p}tokens WHERE token_id = ? FOR UPDATE`,
    [tokenId],
  );
  const row = tokens[0];
  const token: StoredToken | undefined =
    key && row
      ? {
          tokenId,
          run: key,
          iteration: Number(row.iteration),
          state: text(row.state) as TokenState,
          expiresAt: row.expires_at === null ? null : Number(row.expires_at),
        }
      : undefined;
  const run = runs[0] && { status: text(runs[0].status), iteration: Number(runs[0].iteration) };
  const decision = tokenCompletion(tokenId, token, run, completion);
  if (decision.kind === "already") return { completed: false, run: decision.run };
  await conn.query(`UPDATE ${p}tokens SET state = ?, completed_at = ? WHERE token_id = ?`, [
    decision.state,
    now,
    tokenId,
  ]);
  await insertSignal(conn, p, decision.delivery.key, decision.delivery.signal, now);
  return { completed: true, run: decision.delivery.key };
}
