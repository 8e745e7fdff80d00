import { FlowNotMockedError, FlowRestartedError } from "../errors.js";
import { DeterministicRandom } from "../replay/prng.js";
import type { MockStream } from "../stream-api.js";
import { attachMockRequests, MockRequests } from "./mock-requests.js";
import { MockStreams } from "./mock-streams.js";

/**
 * A mock function maker, such as vitest's `vi.fn` or node:test's `mock.fn` (bound:
 * `mock.fn.bind(mock)`): given an implementation, it returns a function that calls it and
 * records its calls, of type `M`.
 */
export type MockFn<M> = (implementation: (...args: never[]) => unknown) => M;

/**
 * A Flow whose every method was made by a MockFn: the Flow's own method type (so the mock is
 * a Flow) and the maker's mock type `M` (vitest: `Mock`, with `mock.calls`, `mockResolvedValueOnce`).
 * `M` is the maker's type for any function: its methods are not typed by the Flow's, so give
 * behaviour through the factory's typed overrides. `Streams` (key -> value type) are the streams
 * the workflow declares: `streams` holds what it wrote to each (empty without streams).
 */
export type FlowMock<Flow, M, Streams = Record<never, never>> = {
  [K in keyof Flow]: Flow[K] extends (...args: never[]) => unknown ? Flow[K] & M : Flow[K];
} & { readonly streams: { readonly [K in keyof Streams]: MockStream<Streams[K]> } };

/**
 * What a Flow member is, which decides what it does when a test gives no implementation for it:
 * an activity, a child run (`run<Child>`) or a signal await rejects with FlowNotMockedError,
 * since the workflow needs its result; an effect (an emit, a child start, a signal send)
 * resolves with undefined; a handler (`on<Update>`, `on<Query>`) is kept for mockUpdate and mockQuery.
 */
export type MockedMember = "activity" | "child" | "signal" | "effect" | "handler";

/** The members every Flow has; createFlowMock gives them their defaults itself. */
export type BuiltinFlowMember =
  | "runId"
  | "scheduledAt"
  | "condition"
  | "sleep"
  | "now"
  | "random"
  | "uuid"
  | "restart"
  | "patched"
  | "deprecatePatch"
  | "createToken"
  | "awaitToken"
  | "waitForEvent"
  | "writeStream"
  | "closeStream"
  | "setTags";

/** What a generated `mock<Workflow>Flow` knows about its Flow. */
export interface FlowMockSpec<Flow> {
  /** The workflow's stored name. */
  readonly workflow: string;
  /** The generated factory's name, for messages: "mockOrderFlow". */
  readonly factory: string;
  /** Every member that is not built in, and what it does without an implementation. */
  readonly members: { readonly [K in Exclude<keyof Flow, BuiltinFlowMember>]-?: MockedMember };
  /** The keys of the streams the workflow declares; its Flow has writeStream and closeStream when there are any. */
  readonly streams?: readonly string[];
}

/** What `flow.now()` of a Flow mock returns unless a test overrides it. */
export const MOCK_NOW = "2030-01-01T00:00:00.000Z";

type Implementation = (...args: never[]) => unknown;

/**
 * A Flow for unit tests, with every method made by `fn` around the test's `overrides`, else a
 * default: `now()` is MOCK_NOW, `random()` a sequence seeded by the run id, `uuid()` counts up
 * (`00000000-0000-4000-8000-000000000001`, ...), `patched()` is true (a new run), `sleep`,
 * `deprecatePatch`, `setTags` and effects do nothing, answers reject with FlowNotMockedError, and
 * `restart` rejects with FlowRestartedError (in a run, the iteration would end there). Handlers
 * the workflow registers (`on<Update>`, `on<Query>`) answer mockUpdate and mockQuery, and
 * `condition` is checked again after each update (see MockRequests.condition).
 * `createToken` gives `tok_mock_1`, `tok_mock_2`...; `awaitToken` and `waitForEvent` reject until given.
 * `writeStream` and `closeStream` record into `streams` (see MockStreams).
 * Called by the generated `mock<Workflow>Flow` functions, which fill in `spec`.
 */
export function createFlowMock<Flow, M, Streams = Record<never, never>>(
  fn: MockFn<M>,
  overrides: Partial<Flow>,
  spec: FlowMockSpec<Flow>,
): FlowMock<Flow, M, Streams> {
  const given = overrides as Readonly<Record<string, unknown>>;
  const make = (name: string, fallback: Implementation): unknown => {
    const implementation = given[name];
    return fn(typeof implementation === "function" ? (implementation as Implementation) : fallback);
  };
  const runId = typeof given["runId"] === "string" ? given["runId"] : `${spec.workflow}-1`;
  const random = new DeterministicRandom(runId);
  let uuids = 0;
  const flow: Record<string, unknown> = {
    runId,
    scheduledAt: given["scheduledAt"],
  };
  const requests = new MockRequests(spec.workflow, runId);
  for (const [name, kind] of Object.entries<MockedMember>(spec.members)) {
    flow[name] = make(name, defaultOf(spec, name, kind, requests));
  }
  flow["condition"] = make("condition", (predicate: () => boolean, timeout?: unknown) =>
    requests.condition(predicate, timeout),
  );
  flow["sleep"] = make("sleep", async () => undefined);
  flow["now"] = make("now", () => new Date(MOCK_NOW));
  flow["random"] = make("random", () => random.random());
  flow["uuid"] = make("uuid", () => `00000000-0000-4000-8000-${(++uuids).toString(16).padStart(12, "0")}`);
  flow["restart"] = make("restart", async (input: unknown) => {
    throw new FlowRestartedError(spec.workflow, input);
  });
  flow["patched"] = make("patched", () => true);
  flow["deprecatePatch"] = make("deprecatePatch", () => undefined);
  flow["setTags"] = make("setTags", async () => undefined);
  attachMockRequests(flow, requests);
  // Tokens count up like uuid(); what the outside world answers, the test gives (else: not mocked).
  let tokens = 0;
  flow["createToken"] = make("createToken", async () => ({ id: `tok_mock_${++tokens}` }));
  flow["awaitToken"] = make("awaitToken", notMocked(spec, "awaitToken", "signal"));
  flow["waitForEvent"] = make("waitForEvent", notMocked(spec, "waitForEvent", "signal"));
  const streams = new MockStreams(spec.workflow, runId, spec.streams ?? []);
  if (spec.streams !== undefined && spec.streams.length > 0) {
    flow["writeStream"] = make("writeStream", (key: string, value: unknown) => streams.write(key, value));
    flow["closeStream"] = make("closeStream", (key: string) => streams.close(key));
  }
  flow["streams"] = streams.recorded;
  return flow as FlowMock<Flow, M, Streams>;
}

function defaultOf(
  spec: { workflow: string; factory: string },
  name: string,
  kind: MockedMember,
  requests: MockRequests,
): Implementation {
  if (kind === "effect") return async () => undefined;
  if (kind === "handler") {
    return (handler: unknown, options?: { readonly validator?: unknown }) => requests.register(name, handler, options);
  }
  return notMocked(spec, name, kind);
}

function notMocked(
  spec: { workflow: string; factory: string },
  member: string,
  kind: Exclude<MockedMember, "effect" | "handler">,
): Implementation {
  return async () => {
    throw new FlowNotMockedError(spec.workflow, spec.factory, member, kind);
  };
}
