import type { Client } from "../../src/api.js";
import { waitFor } from "../support/helpers.js";

/** The id of the token the run created (its first), once its step is written. */
export async function tokenIdOf(client: Client, namespace: string, workflow: string, runId: string): Promise<string> {
  let id: string | undefined;
  await waitFor(
    async () => {
      const history = await client.getHistory(namespace, workflow, runId).catch(() => []);
      const created = history.find((event) => event.type === "token_created");
      id = created?.type === "token_created" ? created.payload.id : undefined;
      return id !== undefined;
    },
    20_000,
    `run ${runId} to create a token`,
  );
  return id as string;
}

/** Resolves once the run's history has an event of `type` (e.g. "token_awaited", "event_awaited"). */
export async function reached(client: Client, namespace: string, workflow: string, runId: string, type: string) {
  await waitFor(
    async () => (await client.getHistory(namespace, workflow, runId).catch(() => [])).some((e) => e.type === type),
    20_000,
    `run ${runId} to record ${type}`,
  );
}
