import { startInspector } from "../../inspector/index.js";
import type { Context } from "../context.js";
import { parseWhole } from "../parse.js";

/** `replaykit ui`: serves the inspector until Ctrl-C, printing its URL and the token for actions. */
export async function serveInspector(
  context: Context,
  flags: { port?: string; host?: string; token?: string; allowHost?: string[]; tokenSecret?: string[] },
) {
  const inspector = await startInspector({
    // The client with the codec config: the inspector opens payloads with it only for requests with the token.
    client: context.source,
    showSecrets: context.showSecrets,
    namespace: context.namespace === "" ? undefined : context.namespace,
    port: parseWhole("--port", flags.port ?? "7070", 0, 65_535),
    host: flags.host ?? "127.0.0.1",
    token: flags.token,
    allowHosts: flags.allowHost ?? [],
    tokenSecret: tokenSecrets(flags.tokenSecret),
  });
  const line = context.json
    ? JSON.stringify({ url: inspector.url, token: inspector.token })
    : `replaykit ui: ${inspector.url} (actions need the token ${inspector.token}; or open ${inspector.url}#token=${inspector.token})`;
  context.io.out(line);
  await (context.io.stopped ?? new Promise(() => {}));
  await inspector.close();
}

/**
 * The secrets of `--token-secret` (repeatable: the first signs, all verify), else of
 * REPLAY_TOKEN_SECRET (comma-separated); undefined when neither is given: no token route.
 */
function tokenSecrets(flag: readonly string[] | undefined): string[] | undefined {
  const secrets = flag ?? process.env["REPLAY_TOKEN_SECRET"]?.split(",");
  const given = secrets?.map((secret) => secret.trim()).filter((secret) => secret !== "");
  return given === undefined || given.length === 0 ? undefined : given;
}
