import type { Clock, LocalBus, Logger, Timers } from "../api.js";
import type { PayloadOptions } from "../payload/options.js";
import type { MeterProvider, TracerProvider } from "../telemetry/providers.js";

/** Also how it stores payloads (PayloadOptions: codecs, payloadStore, offloadAbove, secretFields). */
export interface ClientOptions extends PayloadOptions {
  /** Table name prefix, [A-Za-z0-9_]{0,32}; default "replay_". (MySQL store.) */
  readonly prefix?: string;
  /** Source of time for everything the client writes; default: the database clock (MySQL), or Date.now. */
  readonly clock?: Clock;
  /** Timers aimed at `clock`; default: real timers. */
  readonly timers?: Timers;
  /** Largest payload in bytes of UTF-8 JSON; default 1 MiB (with offload on, raise it as far as the payload store takes). */
  readonly maxPayloadBytes?: number;
  /** The code version runs started by this client are pinned to; default: none. */
  readonly version?: string;
  /** Share one bus between clients in a process; default: a bus of this client's own. */
  readonly local?: LocalBus;
  /** Where the client warns (e.g. a run no worker takes up); default: one line each to stderr. */
  readonly logger?: Logger;
  /** Where the `replaykit.start` and `replaykit.signal` spans go; default: the global tracer provider. */
  readonly tracerProvider?: TracerProvider;
  /** Where `replaykit.runs.started` of the runs this client creates is counted; default: the global meter provider. */
  readonly meterProvider?: MeterProvider;
}
