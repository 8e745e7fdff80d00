import { request as httpRequest } from "node:http";
import type { Inspector } from "../../src/inspector/index.js";

export interface Answer {
  readonly status: number;
  readonly body: string;
}

/** A raw HTTP request to the inspector, with its own Host. */
export function send(to: Inspector, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const url = new URL(path, to.url);
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { host: url.host, ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** POST /api/<action> as the inspector's own page sends it, with the token or without (null). */
export async function act(
  to: Inspector,
  action: string,
  body: Record<string, unknown>,
  token: string | null = to.token,
): Promise<{ status: number; answer: { ok: boolean; message?: string; error?: string } & Record<string, unknown> }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers["x-replaykit-token"] = token;
  const { status, body: text } = await send(to, "POST", `/api/${action}`, headers, JSON.stringify(body));
  return { status, answer: JSON.parse(text) };
}
