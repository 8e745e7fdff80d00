import { expect, it } from "vitest";
import type { RunKey } from "../../src/index.js";
import { INBOX_READ_ALONG } from "../../src/store/rules/signals.js";
import { CAN, conformance, fresh, step, T } from "./harness.js";

conformance("signals", ({ kind, store, create }) => {
  it("are kept once per external id, before the run exists too, in arrival order", async () => {
    const run = fresh("sig");
    const send = (signal: string, externalId: string, message: unknown) =>
      store.addSignal(run, { signal, externalId, payloadText: JSON.stringify(message) }, T);
    expect(await send("go", "e1", 1)).toBe(true);
    expect(await send("go", "e1", 99)).toBe(false);
    expect(await send("stop", "e1", 2)).toBe(true);
    expect(await send("go", "e2", 3)).toBe(true);
    await create(run);
    const inbox = await store.loadSignals(run, ["go"]);
    expect(inbox.map((signal) => signal.payloadText)).toEqual(["1", "3"]);
    expect((await store.loadSignals(run, ["go", "stop"])).map((signal) => signal.signal)).toEqual(["go", "stop", "go"]);
    expect(await store.loadSignals(run, [])).toEqual([]);
  });

  it("of runs that do not exist are listed oldest first and purged by age, while a started run keeps its own", async () => {
    const namespace = `orphans-${kind}`;
    const typo = { namespace, workflow: "wf", runId: "ordr-1" };
    const early = { namespace, workflow: "wf", runId: "later" };
    const send = (run: RunKey, externalId: string, at: number) =>
      store.addSignal(run, { signal: "go", externalId, payloadText: "1" }, at);
    await send(typo, "e1", T);
    await send(early, "e1", T + 10);
    await send(typo, "e2", T + 20);
    const listed = await store.listOrphanedSignals(namespace, 10);
    expect(listed.map((o) => [o.runId, o.externalId, o.createdAt.getTime()])).toEqual([
      ["ordr-1", "e1", T],
      ["later", "e1", T + 10],
      ["ordr-1", "e2", T + 20],
    ]);
    expect(listed[0]).toMatchObject({ workflow: "wf", signal: "go" });
    expect(await store.listOrphanedSignals(namespace, 1)).toHaveLength(1);
    // The early run starts: its signal is no orphan any more, and a purge leaves it.
    await store.createRun({ key: early, inputText: "null", now: T + 30 });
    expect((await store.listOrphanedSignals(namespace, 10)).map((o) => o.runId)).toEqual(["ordr-1", "ordr-1"]);
    expect(await store.purgeOrphanedSignals(namespace, T + 15)).toBe(1);
    expect(await store.purgeOrphanedSignals(namespace, T + 1000)).toBe(1);
    expect(await store.listOrphanedSignals(namespace, 10)).toEqual([]);
    expect(await store.loadSignals(early, ["go"])).toHaveLength(1);
    // A purged signal may be sent again.
    expect(await send(typo, "e1", T + 2000)).toBe(true);
  });

  it("sent outside a transaction, read the run back as the signal left it, with its unconsumed signals", async () => {
    const run = fresh("readback");
    await create(run);
    await store.addSignal(run, { signal: "go", externalId: "a", payloadText: '"a"' }, T);
    const added = await store.addSignalAndRead(run, { signal: "stop", externalId: "b", payloadText: '"b"' }, T + 1);
    expect(added.sent).toBe(true);
    expect(added.run).toMatchObject({ status: "running", paused: false, leaseOwner: null });
    // As readRun reads it, the same run, the same signals.
    expect(added.run?.claimed).toEqual(await store.readRun(run, "w1", T + 2));
    expect(added.run?.claimed).toMatchObject({ version: 0, wakeGen: 2 });
    expect(added.run?.claimed.signals?.map((signal) => [signal.signal, signal.payloadText])).toEqual([
      ["go", '"a"'],
      ["stop", '"b"'],
    ]);
    // Sent before: nothing stored, nothing read back.
    expect(await store.addSignalAndRead(run, { signal: "stop", externalId: "b", payloadText: '"c"' }, T + 3)).toEqual({
      sent: false,
    });
    // A run that does not exist yet keeps the signal, and there is no run to read back.
    const later = fresh("readback-later");
    expect(await store.addSignalAndRead(later, { signal: "go", externalId: "a", payloadText: "1" }, T)).toMatchObject({
      sent: true,
      run: undefined,
    });
  });

  it("come along with a run read for a worker, unconsumed ones in arrival order, unless there are too many", async () => {
    const run = fresh("along");
    await create(run);
    const send = (signal: string, externalId: string) =>
      store.addSignal(run, { signal, externalId, payloadText: JSON.stringify(externalId) }, T);
    expect((await store.readRun(run, "w1", T))?.signals).toEqual([]);
    await send("go", "a");
    await send("stop", "b");
    await send("go", "c");
    const [first] = await store.loadSignals(run, ["go"]);
    await store.commit([step(run, { signalsConsumed: [{ id: first?.id ?? 0, seq: 0 }] })]);
    const read = await store.readRun(run, "w1", T + 20);
    // As of the wake generation read with them: every signal stored before it, none consumed.
    expect(read?.wakeGen).toBe(3);
    expect(read?.signals?.map((signal) => [signal.signal, signal.externalId, signal.payloadText])).toEqual([
      ["stop", "b", '"b"'],
      ["go", "c", '"c"'],
    ]);
    expect(read?.signals).toEqual(await store.loadSignals(run, ["go", "stop"]));
    for (let i = 0; i < INBOX_READ_ALONG; i++) await send("more", `m${i}`);
    // A backlog is not read whole: the worker reads what it awaits by name.
    expect((await store.readRun(run, "w1", T + 20))?.signals).toBeUndefined();
  });

  it("wake a waiting run now and bump its wake generation", async () => {
    const run = fresh("wake");
    await create(run);
    await store.claim({ can: CAN, namespace: "conf", owner: "w1", now: T, leaseMs: 1000, limit: 100 });
    expect((await store.commit([step(run, { wakeAt: T + 60_000 })]))[0]).toMatchObject({ ok: true, wakeGen: 0 });
    await store.addSignal(run, { signal: "go", externalId: "x", payloadText: "1" }, T + 20);
    const state = await store.readRun(run, "w2", T + 20);
    expect(state?.wakeGen).toBe(1);
    const due = await store.claim({
      can: CAN,
      namespace: "conf",
      owner: "w2",
      now: T + 20,
      leaseMs: 1000,
      limit: 100,
    });
    expect(due.map((claimed) => claimed.runId)).toContain(run.runId);
  });

  it("leave a run that has not started due at its start time, the signal waiting in its inbox", async () => {
    const run = { namespace: `later-${kind}`, workflow: "wf", runId: "delayed" };
    await store.createRun({ key: run, inputText: "null", now: T, startAt: T + 3_600_000 });
    expect(await store.addSignal(run, { signal: "go", externalId: "x", payloadText: "1" }, T + 10)).toBe(true);
    const claim = (now: number) =>
      store.claim({ can: CAN, namespace: run.namespace, owner: "w1", now, leaseMs: 1000, limit: 10 });
    expect(await claim(T + 20)).toEqual([]);
    expect(await store.nextWake(run.namespace, T + 20, [], { can: CAN })).toBe(T + 3_600_000);
    expect((await store.readRun(run, "w1", T + 20))?.dueAt).toBe(T + 3_600_000);
    expect((await claim(T + 3_600_000)).map((claimed) => claimed.runId)).toEqual(["delayed"]);
    expect(await store.loadSignals(run, ["go"])).toHaveLength(1);
  });
});
