import type { Client } from "../api.js";
import type { RunKey } from "../history/index.js";
import { decodePayload } from "../json.js";
import { CodecStore } from "../payload/codec-store.js";
import { ENCODED_VERSION, encodedText } from "../payload/encoded.js";
import { type PayloadViewOptions, type SealedPayload, Sealer } from "../payload/view.js";
import { createStoreClient, type StoreClient } from "./client.js";

/** A client's payloads as an operator's tool shows them: see payloadView. */
export interface PayloadView {
  /**
   * A client on the same store and payload options whose reads open what the view allows and
   * seal the rest: `getRun`, `describeRun`, `listRuns`, `getHistory` and `stream` never throw for
   * a payload they cannot open. It writes as the client it was made from.
   */
  readonly client: StoreClient;
  /** The sealed payload a value read through `client` is, if the view sealed it; undefined for anything else (user data too). */
  sealedOf(value: unknown): SealedPayload | undefined;
  /** The value of a payload sealed as "offloaded", loaded from the payload store and opened as the view allows; `reader` is the run it was read for. */
  load(sealed: SealedPayload, reader: RunKey): Promise<unknown>;
}

/**
 * A view of a client's payloads for people (the inspector and the replaykit CLI use it): a payload
 * the view may not open (encrypted, when `decrypt` is off; a secret field, unless `secrets`;
 * offloaded, unless `offloaded`) or cannot open (a key or codec the client lacks, tampered
 * bytes) is read as a sealed placeholder that `sealedOf` recognises, in the place of its value.
 * A client whose store has no payload boundary (one of your own) is its own view: it seals nothing.
 *
 * @example
 * const view = payloadView(client, { decrypt: false });
 * const run = await view.client.getRun("shop", "order", "o-1");
 * const sealed = view.sealedOf(run?.input); // { reason: "encrypted", key: "k1", size: 3277, ... }
 */
export function payloadView(client: Client, options: PayloadViewOptions = {}): PayloadView {
  const store = client.store;
  if (!(store instanceof CodecStore)) {
    return {
      client: client as StoreClient,
      sealedOf: () => undefined,
      load: async () => undefined,
    };
  }
  const sealer = new Sealer(options);
  const loader = store.viewing(sealer.allowing({ offloaded: true }));
  return {
    client: createStoreClient(store.viewing(sealer), {
      clock: client.clock,
      timers: client.timers,
      local: client.local,
      maxPayloadBytes: client.maxPayloadBytes,
    }),
    sealedOf: (value) => sealer.sealedOf(value),
    load: async (sealed, reader) => {
      const { size, codecs, key, ref } = sealed;
      const node = { v: ENCODED_VERSION, codecs, ...(key === undefined ? {} : { key }), size, ...(ref ? { ref } : {}) };
      const text = await loader.payloads.decode(encodedText(node), reader);
      return decodePayload(text, `an offloaded payload of run ${reader.runId}`);
    },
  };
}
