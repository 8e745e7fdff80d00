import { readFileSync } from "node:fs";
import path from "node:path";
import {
  aesGcmCodec,
  filePayloadStore,
  gzipCodec,
  type PayloadCodec,
  type PayloadOptions,
  type PayloadStore,
  s3PayloadStore,
} from "@replaykit/runtime";
import { CliUsageError } from "./errors.js";

/**
 * The codec config of the `replaykit` CLI and inspector (`--codec-config <file>`, or the file
 * REPLAY_CODEC_CONFIG names): the keys and payload store a client needs to read encrypted and
 * offloaded payloads. docs/payloads.md describes the format:
 *
 *   {
 *     "keys": { "2026-07": { "env": "PAYLOAD_KEY_2026_07" }, "2026-01": "<base64 or 64 hex digits>" },
 *     "current": "2026-07",
 *     "codecs": ["gzip", "aes-256-gcm"],
 *     "payloadStore": { "file": "/var/lib/shop/payloads" }
 *   }
 *
 * Any string value may be { "env": "NAME" }: the value of that environment variable, so the
 * keys themselves need not be in the file.
 */
export const CODEC_CONFIG_ENV = "REPLAY_CODEC_CONFIG";

/** The codecs the file can name; a codec of your own needs a client of your own (startInspector({ client })). */
const KNOWN_CODECS = ["gzip", "aes-256-gcm"] as const;

type Environment = Readonly<Record<string, string | undefined>>;

/** The payload options of the codec config that `--codec-config` or REPLAY_CODEC_CONFIG names; none when neither does. */
export function codecConfigOptions(file: string | undefined, env: Environment): PayloadOptions {
  const given = file ?? env[CODEC_CONFIG_ENV];
  if (given === undefined || given === "") return {};
  const where = path.resolve(given);
  const config = readConfig(where);
  const read = new ConfigReader(where, env);
  const keys = read.keys(config.keys);
  const codecs = read.codecs(config.codecs, keys, config.current);
  const payloadStore = read.payloadStore(config.payloadStore);
  return { codecs, ...(payloadStore === undefined ? {} : { payloadStore }) };
}

function readConfig(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliUsageError(
      `cannot read the codec config ${file}: ${(error as Error).message}; pass --codec-config <file> with the path of a JSON file (docs/payloads.md)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`the codec config ${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new CliUsageError(
      `the codec config ${file} must be a JSON object such as {"keys": {"k1": {"env": "KEY_1"}}}`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** Reads the members of one config file, every problem named with the file and the member. */
class ConfigReader {
  readonly #file: string;
  readonly #env: Environment;

  constructor(file: string, env: Environment) {
    this.#file = file;
    this.#env = env;
  }

  keys(given: unknown): Record<string, string> {
    if (given === undefined) return {};
    if (typeof given !== "object" || given === null || Array.isArray(given)) {
      throw this.#problem("keys", 'must be an object of key ids, e.g. {"k1": {"env": "PAYLOAD_KEY_1"}}');
    }
    return Object.fromEntries(Object.entries(given).map(([id, value]) => [id, this.text(`keys.${id}`, value)]));
  }

  codecs(given: unknown, keys: Record<string, string>, current: unknown): PayloadCodec[] {
    const ids = Object.keys(keys);
    const names = given === undefined ? (ids.length > 0 ? [...KNOWN_CODECS] : []) : this.#codecNames(given);
    return names.map((name) => {
      if (name === "gzip") return gzipCodec();
      if (ids.length === 0) throw this.#problem("codecs", '"aes-256-gcm" needs keys: add "keys"');
      const currentId = current === undefined ? (ids.at(-1) as string) : this.text("current", current);
      try {
        return aesGcmCodec({ keys, current: currentId });
      } catch (error) {
        throw this.#problem("keys", (error as Error).message);
      }
    });
  }

  payloadStore(given: unknown): PayloadStore | undefined {
    if (given === undefined || given === "table") return undefined;
    const store = (typeof given === "object" && given !== null ? given : {}) as Record<string, unknown>;
    if (store.file !== undefined) {
      return filePayloadStore(path.resolve(path.dirname(this.#file), this.text("payloadStore.file", store.file)));
    }
    if (typeof store.s3 === "object" && store.s3 !== null) {
      const s3 = store.s3 as Record<string, unknown>;
      const member = (name: string) =>
        s3[name] === undefined ? {} : { [name]: this.text(`payloadStore.s3.${name}`, s3[name]) };
      return s3PayloadStore({
        endpoint: this.text("payloadStore.s3.endpoint", s3.endpoint),
        bucket: this.text("payloadStore.s3.bucket", s3.bucket),
        accessKeyId: this.text("payloadStore.s3.accessKeyId", s3.accessKeyId),
        secretAccessKey: this.text("payloadStore.s3.secretAccessKey", s3.secretAccessKey),
        ...member("region"),
        ...member("prefix"),
        ...member("sessionToken"),
      });
    }
    throw this.#problem("payloadStore", 'must be "table" (the default), {"file": "<dir>"} or {"s3": {...}}');
  }

  /** A string member, or { "env": "NAME" } for the value of that environment variable. */
  text(member: string, value: unknown): string {
    if (typeof value === "string" && value !== "") return value;
    const name = (value as { env?: unknown } | null)?.env;
    if (typeof name !== "string") throw this.#problem(member, 'must be a string, or {"env": "NAME"}');
    const fromEnv = this.#env[name];
    if (fromEnv === undefined || fromEnv === "") {
      throw this.#problem(member, `names the environment variable ${name}, which is not set`);
    }
    return fromEnv;
  }

  #codecNames(given: unknown): string[] {
    const known = KNOWN_CODECS as readonly string[];
    if (!Array.isArray(given) || given.some((name) => typeof name !== "string" || !known.includes(name))) {
      throw this.#problem(
        "codecs",
        `must list codecs among ${known.join(", ")}; for a codec of your own, serve the inspector from your code (startInspector({ client }))`,
      );
    }
    return given as string[];
  }

  #problem(member: string, reason: string): CliUsageError {
    return new CliUsageError(`the codec config ${this.#file}: ${member} ${reason}`);
  }
}
