import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ActivityContext,
  createClient,
  createWorker,
  type MySqlClient,
  type PayloadOptions,
  type RunContext,
  type Worker,
} from "@replaykit/runtime";
import { createScratchDatabase, type ScratchDatabase } from "@replaykit/runtime/testing";

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BINARY = path.join(PACKAGE_ROOT, "bin", "replaykit.js");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `replaykit` binary in a new process, as a person or a script would. */
export function replaykit(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  if (!existsSync(path.join(PACKAGE_ROOT, "dist", "replaykit", "bin.js"))) {
    throw new Error("the replaykit binary is not built: run `npx turbo run build` (npm test does) and try again");
  }
  return new Promise((resolve) => {
    const childEnv = { ...process.env, REPLAY_MYSQL_URL: undefined, REPLAY_NAMESPACE: undefined, ...env };
    execFile(process.execPath, [BINARY, ...args], { env: childEnv as NodeJS.ProcessEnv }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

export const silent = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * The shop of the CLI and browser tests: an order that charges, awaits "warehouseReady" and
 * emits "shipped"; a run stuck on non-deterministic code; an activity that always throws.
 */
const brokenInvocations = new Map<string, number>();

export const shopWorkflows = {
  order: async (ctx: RunContext, input: { cents: number }) => {
    const charge = await ctx.execActivity("charge", input);
    const ready = await ctx.awaitSignal("warehouseReady", "1h");
    await ctx.emitOutput("shipped", { ready });
    return { charge, ready };
  },
  // Not deterministic: its first invocation charges 1 cent, a replay 2 (the worker replays at
  // every step, cacheSize 0), so the run is parked as stuck with a NonDeterminismError.
  broken: async (ctx: RunContext) => {
    const invocation = (brokenInvocations.get(ctx.runId) ?? 0) + 1;
    brokenInvocations.set(ctx.runId, invocation);
    await ctx.execActivity("charge", { cents: invocation });
    return null;
  },
  flaky: async (ctx: RunContext) => ctx.execActivity("trim", { card: 42 }),
  // Streams an answer from an activity whose first attempt fails (so the stream holds a reset),
  // then keeps the stream open until signal "more", which adds a chunk of its own and ends the run.
  chat: async (ctx: RunContext, input: { note: string; hold?: boolean }) => {
    const answer = await ctx.execActivity("streamAnswer", input);
    const more = await ctx.awaitSignal("more", "1h");
    await ctx.writeStream("answer", { more });
    return answer;
  },
};

/** Attempts of streamAnswer whose input says `hold` wait here, by run id, until `releaseHeld`. */
const heldStreams = new Map<string, () => void>();
const holdStream = (runId: string) => new Promise<void>((resolve) => heldStreams.set(runId, resolve));
export const isHeld = (runId: string): boolean => heldStreams.has(runId);
export function releaseHeld(runId: string): void {
  const release = heldStreams.get(runId);
  heldStreams.delete(runId);
  release?.();
}

export const shopActivities = {
  // With `hold`, the second attempt stops (mid-stream, then after its last chunk) until released:
  // chunks written meanwhile make no history event.
  streamAnswer: {
    fn: async (ctx: ActivityContext, _backends: unknown, input: { note: string; hold?: boolean }) => {
      await ctx.writeStream("answer", "Hello ");
      if (ctx.attempt === 1) throw new Error("the model dropped the connection");
      if (input.hold) await holdStream(ctx.runId);
      await ctx.writeStream("answer", input.note);
      if (input.hold) await holdStream(ctx.runId);
      return "answered";
    },
    retry: { initialInterval: "50ms", maxInterval: "200ms" } as const,
  },
  charge: async (_ctx: ActivityContext, _backends: unknown, input: { cents: number }) => ({ charged: input.cents }),
  trim: {
    fn: async (_ctx: ActivityContext, _backends: unknown, input: { card: unknown }) => (input.card as string).trim(),
    retry: { initialInterval: "50ms", maxInterval: "200ms" } as const,
  },
};

export interface Shop {
  readonly db: ScratchDatabase;
  readonly client: MySqlClient;
  readonly worker: Worker;
  close(): Promise<void>;
}

/** The shop on a scratch database; `payloads` (codecs, secretFields...) are its client's. */
export async function startShop(serverUrl: string, namespace = "shop", payloads: PayloadOptions = {}): Promise<Shop> {
  const db = await createScratchDatabase(serverUrl, "cli");
  const client = createClient({ pool: db.pool }, payloads);
  await client.migrate();
  const worker = createWorker({
    client,
    namespace,
    workflows: shopWorkflows,
    activities: shopActivities,
    logger: silent,
    maxPollIntervalMs: 100,
    cacheSize: 0,
  });
  await worker.start();
  return {
    db,
    client,
    worker,
    close: async () => {
      await worker.stop();
      await client.close();
      await db.drop();
    },
  };
}

export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
