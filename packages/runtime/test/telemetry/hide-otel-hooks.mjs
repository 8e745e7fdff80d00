// The ESM half of hide-otel.mjs: bare @opentelemetry/* specifiers do not resolve.
export async function resolve(specifier, context, next) {
  if (/^@opentelemetry\//.test(specifier)) {
    const error = new Error(`Cannot find package '${specifier}' (hidden by hide-otel-hooks.mjs)`);
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return next(specifier, context);
}
