import { UnknownTokenError } from "../errors.js";
import type { TokenCreated } from "../history/index.js";

/**
 * The tokens an iteration created (ctx.createToken), with their expiry, and the one await of
 * each: ctx.awaitToken of a token awaited before returns that await's promise, settled or not,
 * so a completion is received once and a second await never waits for a second one. Derived
 * from the history alone, so replay rebuilds it the same.
 */
export class IterationTokens {
  /** Expiry by token id; null: never. */
  readonly #expiry = new Map<string, number | null>();
  readonly #awaits = new Map<string, Promise<unknown>>();

  created(token: TokenCreated): void {
    this.#expiry.set(token.id, token.deadline ?? null);
  }

  /** The await of `tokenId`: the first one issues the command (`issue`, given the token's expiry). */
  await(tokenId: string, issue: (deadline: number | null) => Promise<unknown>): Promise<unknown> {
    const known = this.#awaits.get(tokenId);
    if (known !== undefined) return known;
    const expiry = this.#expiry.get(tokenId);
    if (expiry === undefined) {
      const why =
        "this run did not create it with ctx.createToken in its current iteration; a run awaits its own tokens";
      return Promise.reject(new UnknownTokenError(tokenId, why));
    }
    const promise = issue(expiry);
    this.#awaits.set(tokenId, promise);
    return promise;
  }
}
