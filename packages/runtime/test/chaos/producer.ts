import type { MySqlClient } from "../../src/index.js";

/** Retries `work` until it succeeds or `deadline` passes (the database may be down for a while). */
export async function retrying<T>(deadline: number, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * attempt, 1000)));
    }
  }
}

/**
 * Starts the runs in batches and sends each its "go" signal twice (the second is a duplicate by
 * external id and must be dropped): for even batches before the runs exist, for odd ones after.
 * `started`, when given, is told of each batch once its runs exist (it must not block).
 */
export async function produce(
  client: MySqlClient,
  namespace: string,
  workflow: string,
  runIds: readonly string[],
  pace: { readonly batch: number; readonly batchIntervalMs: number; readonly deadline: number },
  started?: (ids: readonly string[]) => void,
): Promise<void> {
  const { batch, batchIntervalMs, deadline } = pace;
  const start = (ids: readonly string[]) =>
    retrying(deadline, () => Promise.all(ids.map((id, i) => client.runWorkflow(namespace, workflow, id, i))));
  const signal = (ids: readonly string[]) =>
    retrying(deadline, () =>
      Promise.all(ids.map((id) => client.signalRun(namespace, workflow, id, "go", { for: id }, `go-${id}`))),
    );
  for (let i = 0, k = 0; i < runIds.length; i += batch, k++) {
    const ids = runIds.slice(i, i + batch);
    if (k % 2 === 0) {
      await signal(ids);
      await start(ids);
    } else {
      await start(ids);
      await signal(ids);
    }
    await signal(ids);
    started?.(ids);
    await new Promise((resolve) => setTimeout(resolve, batchIntervalMs));
  }
}
