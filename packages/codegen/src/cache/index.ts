// The entry `@replaykit/codegen/cache`: what the CLI needs before it knows whether to load the
// compiler at all (the cache, and writing or comparing generated files). Nothing here imports ts-morph.
export type { GenerateInputs } from "../generate/inputs.js";
export type { OutputFile, StaleFile } from "../generate/output.js";
export { findStale, GENERATED_FILE_NAME, writeGenerated } from "../generate/output.js";
export { generatorFingerprint } from "./fingerprint.js";
export { ResultCache } from "./result-cache.js";
