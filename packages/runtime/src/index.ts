export { toMillis } from "./duration.js";
export * from "./errors.js";
export { DEFAULT_MAX_PAYLOAD_BYTES, decodePayload, encodePayload, validateName } from "./json.js";
export { EventType, MIGRATIONS, RunStatus } from "./store/mysql/schema.js";
export type * from "./types.js";
