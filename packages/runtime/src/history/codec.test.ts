import { describe, expect, it } from "vitest";
import { CorruptPayloadError } from "../errors.js";
import { decodeEvent, EventType, newEvent, payloadTextOf, type StoredEvent } from "./index.js";

const stored = (type: string, payloadText: string | null): StoredEvent => ({
  iteration: 0,
  pos: 1,
  type,
  target: "",
  seq: 0,
  payloadText,
  at: 5,
});

describe("the event codec", () => {
  it("decodes what the builders encode, keeping the stored text for replay", () => {
    const event = newEvent.activityResult("charge", 2, '{"id":"ch_1"}', 3, 5);
    const decoded = decodeEvent({ ...event, iteration: 0, pos: 4, type: event.type }, "here");
    expect(decoded).toMatchObject({ type: "activity_response", target: "charge", seq: 2, pos: 4 });
    expect(decoded.payload).toEqual({ result: { id: "ch_1" }, attempts: 3 });
    expect(payloadTextOf(decoded)).toBe('{"result":{"id":"ch_1"},"attempts":3}');
  });

  it("reads a restart recorded by earlier versions (completed with restartedWith) as restarted", () => {
    const decoded = decodeEvent(stored("completed", '{"restartedWith":{"n":1}}'), "here");
    expect(decoded.type).toBe(EventType.Restarted);
    expect(decoded.payload).toEqual({ input: { n: 1 } });
    expect(decodeEvent(stored("completed", '{"result":1}'), "here").type).toBe(EventType.Completed);
  });

  it("refuses an unknown event type or unparsable payload as corrupt, naming where", () => {
    expect(() => decodeEvent(stored("teleported", null), "event 7")).toThrow(CorruptPayloadError);
    expect(() => decodeEvent(stored("teleported", null), "event 7")).toThrow(/event 7/);
    expect(() => decodeEvent(stored("output", "{oops"), "event 8")).toThrow(CorruptPayloadError);
  });

  it("stores NULL only for the kinds without a payload", () => {
    expect(newEvent.sleepDone(0, 1).payloadText).toBeNull();
    expect(newEvent.cancelDelivered(1).payloadText).toBeNull();
    expect(newEvent.output("o", 0, "null", 1).payloadText).toBe("null");
  });
});
