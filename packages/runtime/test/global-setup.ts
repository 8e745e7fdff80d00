export { setup } from "../src/testing/vitest-setup.js";
