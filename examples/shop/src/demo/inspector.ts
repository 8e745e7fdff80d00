import type { Client } from "@replaykit/runtime";
import type { Cleanup } from "./cleanup.js";

const PREFERRED_PORT = 7070;

/**
 * `npm run demo -- --ui`: the inspector on the demo's database, open until Ctrl-C. Port 7070,
 * or a free one when 7070 is taken. Resolves with the URL to open (the token in its fragment).
 */
export async function openInspector(client: Client, cleanup: Cleanup): Promise<string> {
  const { startInspector } = await import("@replaykit/cli/inspector");
  const start = (port: number) => startInspector({ client, port, namespace: "shop" });
  const inspector = await start(PREFERRED_PORT).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === "EADDRINUSE") return start(0);
    throw error;
  });
  cleanup.add("the inspector", () => inspector.close());
  return `${inspector.url}#token=${inspector.token}`;
}
