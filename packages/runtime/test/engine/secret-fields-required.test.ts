import { describe, expect, it } from "vitest";
import { aesGcmCodec, InvalidPayloadOptionsError, requireSecretFields } from "../../src/index.js";
import { forEachStore } from "../support/helpers.js";
import { KEYS } from "../support/payloads.js";

forEachStore((env) => {
  describe("the generated helpers' check that a client marks the manifest's secret fields", () => {
    it("passes a client that marks every field secret, and refuses one that does not, naming the fields", () => {
      const codecs = [aesGcmCodec({ keys: KEYS, current: "k1" })];
      const marking = env.clientWith({ codecs, secretFields: ["cardNumber", "cvc"] });
      expect(() => requireSecretFields(marking, ["cardNumber"])).not.toThrow();
      const partly = env.clientWith({ codecs, secretFields: ["cvc"] });
      expect(() => requireSecretFields(partly, ["cardNumber", "cvc"])).toThrow(InvalidPayloadOptionsError);
      expect(() => requireSecretFields(env.client, ["cardNumber"])).toThrow(
        /the manifest marks "cardNumber" secret, but this client does not/,
      );
    });
  });
});
