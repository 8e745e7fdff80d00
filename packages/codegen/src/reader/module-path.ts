import path from "node:path";

/** The specifier the generated file (in `fromDir`) uses to import the module at `file`. */
export function relativeModuleSpecifier(fromDir: string, file: string): string {
  const withoutExt = file.replace(/(\.d)?\.(m|c)?tsx?$/, "");
  const jsExt = /\.mts$/.test(file) ? ".mjs" : /\.cts$/.test(file) ? ".cjs" : ".js";
  const relative = path.relative(fromDir, withoutExt).split(path.sep).join("/");
  return `${relative.startsWith(".") ? "" : "./"}${relative}${jsExt}`;
}

/** Files of the user's project: not a TypeScript lib file and not under node_modules. */
export function isUserFile(file: string): boolean {
  return !file.includes("/node_modules/");
}
