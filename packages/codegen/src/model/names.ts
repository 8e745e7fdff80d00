import { ts } from "../compiler.js";

/** Splits "warehouseReady", "warehouse-ready", "WAREHOUSE_READY" into lower-case words. */
export function words(name: string): string[] {
  return name
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1 $2")
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, "$1 $2")
    .split(/[^\p{L}\p{N}_$]+|_/u)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

export function pascalCase(name: string): string {
  return words(name)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

export function constantCase(name: string): string {
  return words(name).join("_").toUpperCase();
}

const IDENTIFIER = /^[\p{ID_Start}_$][\p{ID_Continue}$\u200c\u200d]*$/u;

/**
 * True when `text` is an identifier for JavaScript and for the TypeScript compiler that will
 * read the generated file. Both are asked: Node's Unicode tables can be newer than the
 * compiler's, which rejects letters it does not know yet (seen: U+13460, found by the
 * manifest fuzz test, gave a generated file with "Invalid character").
 */
export function isIdentifier(text: string): boolean {
  return IDENTIFIER.test(text) && isCompilerIdentifier(text);
}

function isCompilerIdentifier(text: string): boolean {
  const codePoints = [...text].map((char) => char.codePointAt(0) ?? 0);
  const [first, ...rest] = codePoints;
  if (first === undefined || !ts.isIdentifierStart(first, ts.ScriptTarget.ESNext)) return false;
  return rest.every((codePoint) => ts.isIdentifierPart(codePoint, ts.ScriptTarget.ESNext));
}

const MAX_NAME_BYTES = 255;

/** Why a stored name is unusable, or undefined when it is fine (same rules as the runtime's validateName). */
export function storedNameProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.includes("/")) return 'it contains "/", which separates key parts';
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > MAX_NAME_BYTES) return `it is ${bytes} bytes long, over the limit of ${MAX_NAME_BYTES}`;
  return undefined;
}

/** `1 parameter`, `3 parameters`; pass `plural` for nouns that do not just take an "s" (`activities`). */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
