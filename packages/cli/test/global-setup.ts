export { setup } from "@replaykit/runtime/testing";
