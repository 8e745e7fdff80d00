export * from "./errors.js";
export type { GeneratedFile, GenerateOptions, StaleFile } from "./generate/generate.js";
export { checkGenerated, GENERATED_FILE_NAME, generate, writeGenerated } from "./generate/generate.js";
export { ProjectCache } from "./generate/project.js";
export * from "./manifest/index.js";
export type * from "./model/model.js";
