import type * as Codegen from "@replaykit/codegen";

let loading: Promise<typeof Codegen> | undefined;

/** The generator, loaded on first need: a run whose results are all cached never loads the compiler. */
export function loadCodegen(): Promise<typeof Codegen> {
  loading ??= import("@replaykit/codegen");
  return loading;
}
