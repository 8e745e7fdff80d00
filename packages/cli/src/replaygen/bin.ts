import path from "node:path";
import { fileURLToPath } from "node:url";
import { exitQuietlyOnClosedStdout } from "../shared/stdout-pipe.js";
import { defaultCacheDir } from "./cache-dir.js";
import { enableCompileCache } from "./compile-cache.js";

// Before anything loads the compiler: the CLI itself is imported only once the cache is on.
const cacheDir = defaultCacheDir(path.dirname(fileURLToPath(import.meta.url)));
if (cacheDir !== undefined) enableCompileCache(cacheDir);
exitQuietlyOnClosedStdout();
const { main } = await import("./main.js");
process.exitCode = await main(process.argv.slice(2));
