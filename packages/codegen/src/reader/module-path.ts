import path from "node:path";

/** The specifier the generated file (in `fromDir`) uses to import the module at `file`. */
export function relativeModuleSpecifier(fromDir: string, file: string): string {
  const withoutExt = file.replace(/(\.d)?\.(m|c)?tsx?$/, "");
  const jsExt = /\.mts$/.test(file) ? ".mjs" : /\.cts$/.test(file) ? ".cjs" : ".js";
  const relative = path.relative(fromDir, withoutExt).split(path.sep).join("/");
  return `${relative.startsWith(".") ? "" : "./"}${relative}${jsExt}`;
}

/**
 * The user's own files: inside the manifest's package and outside node_modules. The generated
 * file imports from them by relative path; other packages only by the specifiers the user wrote.
 */
export function isUserFile(file: string, packageRoot: string): boolean {
  const relative = path.relative(packageRoot, file);
  return !relative.startsWith("..") && !path.isAbsolute(relative) && !file.includes("/node_modules/");
}
