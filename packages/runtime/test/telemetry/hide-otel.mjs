// `node --import tsx --import ./hide-otel.mjs ...`: makes every @opentelemetry/* package look
// uninstalled, to both `require` (CommonJS resolution) and `import` (an ESM resolve hook).
import Module, { register } from "node:module";

const HIDDEN = /^@opentelemetry\//;
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (HIDDEN.test(request)) {
    const error = new Error(`Cannot find module '${request}' (hidden by hide-otel.mjs)`);
    error.code = "MODULE_NOT_FOUND";
    throw error;
  }
  return resolveFilename.call(this, request, ...rest);
};
register("./hide-otel-hooks.mjs", import.meta.url);
