// Must keep failing to compile: each directive marks a misuse the generated API has to reject.
import type { Client } from "@replaykit/runtime";
import { publishCommunityEvent, type WelcomeFlow } from "../../fixtures/triggers/replay_gen.js";

export async function misuse(client: Client, flow: WelcomeFlow) {
  // @ts-expect-error the data of another event: "user.signup" takes a UserSignedUp
  await publishCommunityEvent(client, "user.signup", { postId: "p1", author: "ben" });
  // @ts-expect-error an event name no trigger declares
  await publishCommunityEvent(client, "user.deleted", { userId: "u1", email: "ana@example.com" });
  // @ts-expect-error a required field missing
  await publishCommunityEvent(client, "comment.added", { postId: "p1" });
  // @ts-expect-error a token's timeout is a Duration
  await flow.createToken({ timeout: "two days" });
  // @ts-expect-error waitForEvent needs a timeout
  await flow.waitForEvent("user.verified", { key: "u1" });
  await publishCommunityEvent(client, "user.signup", { userId: "u1", email: "ana@example.com" }, { key: "u1" });
}
