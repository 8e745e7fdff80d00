import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ResolutionHostFactory } from "ts-morph";
import { ts } from "../compiler.js";

const CODEGEN_PACKAGE = "@replaykit/codegen";

/**
 * The manifest API alone (`manifest/index`), without the generator: resolving the package's
 * barrel would pull ts-morph's and TypeScript's declarations into every manifest's program.
 */
function manifestApiFile(): string | undefined {
  const manifestDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "manifest");
  return ["index.d.ts", "index.ts"].map((name) => path.join(manifestDir, name)).find((file) => existsSync(file));
}

/** Resolves `@replaykit/codegen` to the manifest API; everything else as the compiler would. */
export const manifestResolutionHost: ResolutionHostFactory = (host, getCompilerOptions) => {
  const apiFile = manifestApiFile();
  return {
    resolveModuleNames: (moduleNames, containingFile) =>
      moduleNames.map((name) => {
        if (name === CODEGEN_PACKAGE && apiFile !== undefined) {
          const extension = apiFile.endsWith(".d.ts") ? ts.Extension.Dts : ts.Extension.Ts;
          return { resolvedFileName: apiFile, extension, isExternalLibraryImport: false };
        }
        return ts.resolveModuleName(name, containingFile, getCompilerOptions(), host).resolvedModule;
      }),
  };
};
