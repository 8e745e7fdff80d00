import type { BulkAction } from "@replaykit/runtime";

/** The actions of client.bulk, in the order the CLI and the inspector offer them. */
export const BULK_ACTIONS = [
  "cancel",
  "terminate",
  "pause",
  "unpause",
  "resume",
  "reset",
  "signal",
  "purge",
] as const satisfies readonly BulkAction[];
