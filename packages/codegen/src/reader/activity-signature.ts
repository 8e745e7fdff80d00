import { ts } from "../compiler.js";
import { counted } from "../model/names.js";
import { isErrorType } from "./print-type.js";

/** The types an activity function declares. */
export interface ActivityTypes {
  /** Undefined when the function declares no input parameter: its Flow method then takes none. */
  readonly input?: ts.Type;
  readonly output: ts.Type;
  /** Undefined when the function declares no backends parameter, or one of type `unknown`. */
  readonly backends?: ts.Type;
}

/** What the runtime passes an activity; more parameters are fine only when optional. */
const RUNTIME_ARGUMENTS = 3;

/**
 * Reads `(ctx, backends, input) => Promise<output>` from an activity function's type, or says why
 * it is no activity. Checked as TypeScript would check the function where an activity is expected:
 * the runtime's ActivityContext must be assignable to `ctx` (so `ctx: unknown` is fine), and fewer
 * parameters are fine.
 */
export function readActivityTypes(
  checker: ts.TypeChecker,
  fn: ts.Node,
  activityContext: ts.Type | undefined,
): ActivityTypes | string {
  const signatures = checker.getTypeAtLocation(fn).getCallSignatures();
  const signature = signatures[0];
  if (signature === undefined) return "is not a function";
  if (signatures.length > 1) return "is overloaded";
  const parameters = signature.getParameters();
  const required = parameters.filter(isRequired).length;
  if (required > RUNTIME_ARGUMENTS) {
    return `takes ${counted(required, "required parameter")}, but the runtime passes ${RUNTIME_ARGUMENTS}`;
  }
  const [ctx, backends, input] = parameters
    .slice(0, RUNTIME_ARGUMENTS)
    .map((parameter) => checker.getTypeOfSymbolAtLocation(parameter, fn));
  if (ctx !== undefined && activityContext !== undefined && !checker.isTypeAssignableTo(activityContext, ctx)) {
    return `takes ${checker.typeToString(ctx)} as its first parameter, which an ActivityContext cannot be passed as (declare \`ctx: ActivityContext\`, or \`_ctx: unknown\` when unused)`;
  }
  const output = promised(checker, checker.getReturnTypeOfSignature(signature));
  if (output === undefined) return "does not return a Promise";
  return {
    output,
    ...(input === undefined ? {} : { input }),
    ...(backends === undefined || acceptsAnything(backends) ? {} : { backends }),
  };
}

/** `unknown` or `any`, but not an unresolved type (which reads as `any` too and must be seen). */
function acceptsAnything(type: ts.Type): boolean {
  return (type.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) !== 0 && !isErrorType(type);
}

function isRequired(parameter: ts.Symbol): boolean {
  const declaration = parameter.valueDeclaration;
  if (declaration === undefined || !ts.isParameter(declaration)) return true;
  return (
    declaration.questionToken === undefined && declaration.initializer === undefined && !declaration.dotDotDotToken
  );
}

function promised(checker: ts.TypeChecker, type: ts.Type): ts.Type | undefined {
  if (type.getSymbol()?.getName() !== "Promise") return undefined;
  return checker.getTypeArguments(type as ts.TypeReference)[0];
}
