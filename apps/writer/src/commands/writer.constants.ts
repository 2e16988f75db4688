/** Injection tokens of the writer. */
export const WRITER_OPTIONS = Symbol('WRITER_OPTIONS');
/** The ConnectorRegistry the writer takes its vendors from. */
export const CONNECTOR_REGISTRY = Symbol('WRITER_CONNECTOR_REGISTRY');
/** The BrowserPool of web-app writes (WriteContext.portal). */
export const WRITER_BROWSERS = Symbol('WRITER_BROWSERS');
export const WRITER_SESSIONS = Symbol('WRITER_SESSIONS');
export const RESULT_PUBLISHER = Symbol('RESULT_PUBLISHER');
export const WRITER_CONSUMER = Symbol('WRITER_CONSUMER');

/** The FSM_COMMANDS consumer as the writer runs it (main.ts builds the transport from the same values). */
export interface WriterConsumerSettings {
  readonly durable: string;
  readonly maxDeliver: number;
  readonly ackWaitMs: number;
  /** Commands executing at once in the replica (WRITER_CONCURRENCY). */
  readonly concurrency: number;
  /** Of those, at most this many for one connection (WRITER_CONNECTION_CONCURRENCY). */
  readonly connectionConcurrency: number;
  /** Messages taken from the stream at once: executing, or waiting for their entity or a slot. */
  readonly inFlight: number;
}

/** Aborted at shutdown: commands stop waiting (backoff sleeps, in-flight waits) and end with a nak. */
export class WriterShutdown {
  private readonly controller = new AbortController();
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  stop(): void {
    this.controller.abort();
  }
}
