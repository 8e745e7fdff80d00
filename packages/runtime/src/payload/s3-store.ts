import { createHash, createHmac } from "node:crypto";
import { InvalidPayloadOptionsError, PayloadStoreError } from "../errors.js";
import type { RunKey } from "../history/index.js";
import { type PayloadRef, type PayloadStore, runFolder } from "./payload-store.js";

export interface S3PayloadStoreOptions {
  /** The service's URL, e.g. "https://s3.eu-central-1.amazonaws.com" or "http://127.0.0.1:9000" (MinIO). */
  readonly endpoint: string;
  readonly bucket: string;
  /** Default "us-east-1". */
  readonly region?: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** For temporary credentials. */
  readonly sessionToken?: string;
  /** Put before every object key, e.g. "replaykit/". */
  readonly prefix?: string;
  /** Address the bucket as a host name (bucket.endpoint) instead of a path (endpoint/bucket, the default). */
  readonly virtualHosted?: boolean;
  /** The fetch to use; default the global one. */
  readonly fetch?: typeof fetch;
}

/** A request as the store sends it, before signing. */
interface S3Request {
  readonly method: "GET" | "PUT" | "DELETE";
  /** The object key; "" for the bucket itself. */
  readonly key: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
}

/**
 * Offloaded payloads as objects of an S3-compatible service (AWS S3, MinIO, R2, ...), with
 * requests signed by AWS Signature Version 4 and sent with fetch: `<prefix><run folder>/<sha256>`
 * (see runFolder). Deleting a run lists its folder (ListObjectsV2) and deletes each object.
 *
 * @example
 * const payloadStore = s3PayloadStore({ endpoint: "https://s3.eu-central-1.amazonaws.com", region: "eu-central-1",
 *   bucket: "app-payloads", accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY });
 */
export function s3PayloadStore(options: S3PayloadStoreOptions): PayloadStore {
  const client = new S3Client(options);
  const prefix = options.prefix ?? "";
  const keyOf = (ref: PayloadRef) => `${prefix}${runFolder(ref)}/${ref.id}`;
  return {
    description: client.description,
    async put(ref, bytes) {
      await client.send({ method: "PUT", key: keyOf(ref), body: bytes }, "store a payload");
    },
    async get(ref) {
      const response = await client.send({ method: "GET", key: keyOf(ref) }, "read a payload", [404]);
      return response.status === 404 ? undefined : new Uint8Array(await response.arrayBuffer());
    },
    async delete(run: RunKey) {
      for (const key of await client.list(`${prefix}${runFolder(run)}/`)) {
        await client.send({ method: "DELETE", key }, "delete a payload", [404]);
      }
    },
  };
}

/** The few S3 requests the store needs, signed. */
class S3Client {
  readonly description: string;
  readonly #options: S3PayloadStoreOptions;
  readonly #region: string;
  readonly #endpoint: URL;
  readonly #fetch: typeof fetch;

  constructor(options: S3PayloadStoreOptions) {
    for (const field of ["endpoint", "bucket", "accessKeyId", "secretAccessKey"] as const) {
      if (typeof options?.[field] !== "string" || options[field] === "") {
        throw new InvalidPayloadOptionsError(`s3PayloadStore ${field}`, "it is missing; pass a non-empty string");
      }
    }
    this.#options = options;
    this.#region = options.region ?? "us-east-1";
    this.#endpoint = new URL(options.endpoint);
    this.#fetch = options.fetch ?? fetch;
    this.description = `the S3 bucket ${options.bucket} at ${this.#endpoint.host}`;
  }

  /** Sends the request; a status outside 2xx and `accepted` is a PayloadStoreError. */
  async send(request: S3Request, operation: string, accepted: readonly number[] = []): Promise<Response> {
    const { url, headers } = this.#signed(request, new Date());
    let response: Response;
    try {
      const body = request.body
        ? Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength)
        : undefined;
      response = await this.#fetch(url, { method: request.method, headers, ...(body ? { body } : {}) });
    } catch (error) {
      throw new PayloadStoreError(this.description, operation, undefined, (error as Error).message ?? String(error));
    }
    if (response.ok || accepted.includes(response.status)) return response;
    const text = (await response.text().catch(() => "")).slice(0, 300);
    throw new PayloadStoreError(this.description, operation, response.status, text || response.statusText);
  }

  /** Every object key under `prefix` (ListObjectsV2, page by page). */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const query: Record<string, string> = {
        "list-type": "2",
        prefix,
        ...(token ? { "continuation-token": token } : {}),
      };
      const xml = await (await this.send({ method: "GET", key: "", query }, "list a run's payloads")).text();
      keys.push(...[...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => unescapeXml(match[1] ?? "")));
      const next = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1];
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml) && next ? unescapeXml(next) : undefined;
    } while (token !== undefined);
    return keys;
  }

  /** The URL and headers of a request, signed with AWS Signature Version 4. */
  #signed(request: S3Request, now: Date): { url: string; headers: Record<string, string> } {
    const { host, path } = this.#location(request.key);
    const query = Object.entries(request.query ?? {})
      .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
      .sort()
      .join("&");
    const payloadHash = createHash("sha256")
      .update(request.body ?? new Uint8Array())
      .digest("hex");
    const amzDate = now
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
    const headers: Record<string, string> = {
      host,
      "x-amz-content-sha256": payloadHash,
      "x-amz-date": amzDate,
      ...(this.#options.sessionToken ? { "x-amz-security-token": this.#options.sessionToken } : {}),
    };
    const signed = Object.keys(headers).sort();
    const canonical = [
      request.method,
      path,
      query,
      ...signed.map((name) => `${name}:${headers[name]}`),
      "",
      signed.join(";"),
      payloadHash,
    ].join("\n");
    const scope = `${amzDate.slice(0, 8)}/${this.#region}/s3/aws4_request`;
    const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonical).digest("hex")].join(
      "\n",
    );
    const signature = createHmac("sha256", this.#signingKey(amzDate.slice(0, 8)))
      .update(toSign)
      .digest("hex");
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${this.#options.accessKeyId}/${scope}, SignedHeaders=${signed.join(";")}, Signature=${signature}`;
    const { host: _, ...sent } = headers;
    return { url: `${this.#endpoint.protocol}//${host}${path}${query ? `?${query}` : ""}`, headers: sent };
  }

  /** Host and encoded path of a key, path-style (endpoint/bucket/key) or virtual-hosted (bucket.endpoint/key). */
  #location(key: string): { host: string; path: string } {
    const base = this.#endpoint.pathname.replace(/\/+$/, "");
    const keyPath = key === "" ? "" : key.split("/").map(rfc3986).join("/");
    if (this.#options.virtualHosted) {
      return { host: `${this.#options.bucket}.${this.#endpoint.host}`, path: `${base}/${keyPath}` };
    }
    const bucketPath = `${base}/${rfc3986(this.#options.bucket)}`;
    return { host: this.#endpoint.host, path: key === "" ? `${bucketPath}/` : `${bucketPath}/${keyPath}` };
  }

  #signingKey(date: string): Buffer {
    const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
    const dateKey = hmac(`AWS4${this.#options.secretAccessKey}`, date);
    return hmac(hmac(hmac(dateKey, this.#region), "s3"), "aws4_request");
  }
}

/** Percent-encoding as Signature Version 4 wants it: everything but A-Z a-z 0-9 - _ . ~ */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
