import { isLockConflict } from "./db-errors.js";

const ATTEMPTS = 5;

/**
 * Runs `work` (a whole transaction of our own) again when it lost a lock conflict: an InnoDB
 * deadlock, or on Galera a certification failure, which another node's commit to the same
 * rows causes at COMMIT (errno 1213). Nothing of a lost attempt was written, so it is safe.
 * Never use it around a caller's `{ tx }`: that transaction is rolled back as a whole, and
 * only its owner can run it again.
 */
export async function retryOnConflict<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isLockConflict(error) || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
