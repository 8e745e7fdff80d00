import type { Worker } from "@replaykit/runtime";
import { createTestEnv, type TestEnv } from "@replaykit/runtime/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { awaitSignupResult, runSignup, signalSignupVerified, startOnboardingLoops } from "./replay_gen.js";
import type { Accounts } from "./types.js";
import { cleanup, signup } from "./workflow.js";

class FakeAccounts implements Accounts {
  readonly created: string[] = [];
  cleanups = 0;
  async create(email: string): Promise<string> {
    this.created.push(email);
    return `acct-${this.created.length}`;
  }
  async deleteUnverified(): Promise<number> {
    this.cleanups++;
    return 0;
  }
}

describe("signup", () => {
  let env: TestEnv;
  let worker: Worker;
  let accounts: FakeAccounts;

  beforeEach(async () => {
    // 1. Create: an in-memory store and a virtual clock. Schedules do not fire here unless asked.
    env = await createTestEnv({ start: Date.UTC(2030, 0, 1) });
    // 2. Start a worker on it, as the app's worker does on MySQL.
    accounts = new FakeAccounts();
    worker = startOnboardingLoops({ client: env.client, backends: { accounts }, workflows: { signup, cleanup } });
    await worker.start();
  });

  afterEach(async () => {
    // 5. Close: the worker first, then the environment.
    await worker.stop();
    await env.close();
  });

  it("provisions the account once the e-mail is verified", async () => {
    await runSignup(env.client, "ada", { email: "ada@example.com" });
    await signalSignupVerified(env.client, "ada", { code: "123456" }, "code-1");
    expect(await awaitSignupResult(env.client, "ada")).toEqual({
      status: "active",
      email: "ada@example.com",
      accountId: "acct-1",
    });
  });

  it("expires a signup that is not verified within 24 hours", async () => {
    await runSignup(env.client, "bo", { email: "bo@example.com", plan: "pro" });
    // 3. Advance: the clock jumps a day, and the 24-hour timeout fires on the way.
    await env.advance("24h");
    // 4. Assert.
    expect(await awaitSignupResult(env.client, "bo")).toEqual({ status: "expired", email: "bo@example.com" });
    expect(accounts.created).toEqual([]);
    // The nightly cleanup came due at 03:00 and did not run: this environment fires no schedules.
    expect(accounts.cleanups).toBe(0);
  });

  it("refuses an input the schema refuses, and starts no run", async () => {
    await expect(runSignup(env.client, "cy", { email: "cy at example.com" })).rejects.toThrow(
      "invalid input of workflow signup: email: Invalid email address",
    );
    expect(await env.client.getRun("onboarding", "signup", "cy")).toBeUndefined();
  });

  it("runs the nightly cleanup in an environment that fires schedules", async () => {
    const scheduled = await createTestEnv({ start: Date.UTC(2030, 0, 1), schedules: true });
    const nightly = startOnboardingLoops({
      client: scheduled.client,
      backends: { accounts },
      workflows: { signup, cleanup },
    });
    await scheduled.advance("1d");
    expect(accounts.cleanups).toBe(1);
    await nightly.stop();
    await scheduled.close();
  });
});
