import type { ActivityContext } from "@replaykit/runtime";
import type { Backends, NewAccount } from "./types.js";

export async function provisionAccount(
  _ctx: ActivityContext,
  backends: Backends,
  input: NewAccount,
): Promise<{ accountId: string }> {
  return { accountId: await backends.accounts.create(input.email, input.plan) };
}

export async function deleteUnverified(_ctx: ActivityContext, backends: Backends, _input: null): Promise<number> {
  return backends.accounts.deleteUnverified();
}
