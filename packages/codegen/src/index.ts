export * from "./errors.js";
export type { GeneratedFile, GenerateOptions } from "./generate/generate.js";
export { checkGenerated, generate } from "./generate/generate.js";
export type { GenerateInputs } from "./generate/inputs.js";
export type { OutputFile, StaleFile } from "./generate/output.js";
export { findStale, GENERATED_FILE_NAME, writeGenerated } from "./generate/output.js";
export { ProjectCache } from "./generate/project.js";
export * from "./manifest/index.js";
export type * from "./model/model.js";
