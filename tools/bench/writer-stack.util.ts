import { performance } from 'node:perf_hooks';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { CommandResult } from '@fieldsync/canonical-model';
import { JetStreamPublisher, StreamKinds, streamName, withPrefix } from '@fieldsync/messaging';
import { createDatabase, migrateToLatest, type DB } from '@fieldsync/persistence';
import {
  createScratchDatabase,
  freePort,
  spawnService,
  startSandbox,
  startSessionManager,
  uniqueStreamPrefix,
  type RunningSandbox,
  type RunningSessionManager,
  type SpawnedService,
} from '@fieldsync/testing';
import type { Kysely } from 'kysely';
import type { WriterBenchOptions } from './writer.bench';
import { WriterMeter } from './writer-meter.util';

/** Generated world size: enough customers and locations to spread jobs over, a short Jobber backfill. */
export const WRITER_BENCH_SANDBOX_SIZE = '300';

/** A result on FSM_RESULTS and when it arrived (performance.now()). */
export interface ArrivedResult {
  readonly at: number;
  readonly result: CommandResult;
}

/**
 * The stack every writer bench runs on, each part a process on loopback, with its own scratch database
 * and stream prefix: the vendor sandbox (seed 11, wall clock, the given SANDBOX_API_LIMITS), the session
 * manager, then (once the bench made its tenants and connections) the extractor and one writer, and a
 * consumer of FSM_RESULTS. `close()` stops and drops everything it started.
 */
export class WriterBenchStack {
  readonly meter = new WriterMeter();
  /** commandId → its first result; a second result for a command counts in `duplicates`. */
  readonly arrived = new Map<string, ArrivedResult>();
  duplicates = 0;
  private readonly services: SpawnedService[] = [];
  private stopConsumer: (() => void) | undefined;

  private constructor(
    private readonly o: WriterBenchOptions,
    readonly prefix: string,
    readonly db: Kysely<DB>,
    readonly sandbox: RunningSandbox,
    readonly manager: RunningSessionManager,
    private readonly dropScratch: () => Promise<void>,
    /** DATABASE_URL, NATS_URL, FIELDSYNC_STREAM_PREFIX, HOST and LOG_LEVEL=warn for every service. */
    readonly common: Record<string, string>,
    /** performance.now() once the database was migrated, before the sandbox started (set-up limits count from it). */
    readonly startedAt: number,
  ) {
    this.services.push(manager.service);
  }

  /** The scratch database (migrated), the sandbox and the session manager. */
  static async open(
    o: WriterBenchOptions,
    names: { prefix: string; database: string; applicationName: string },
    apiLimits: 'on' | 'off',
  ): Promise<WriterBenchStack> {
    const prefix = uniqueStreamPrefix(names.prefix);
    const scratch = await createScratchDatabase(o.postgresUrl, names.database);
    const db = createDatabase({ url: scratch.url, poolMax: 2, applicationName: names.applicationName });
    let sandbox: RunningSandbox | undefined;
    try {
      await migrateToLatest(db);
      const startedAt = performance.now();
      // Wall clock: the writer's marker look-ups compare vendor timestamps with its own clock.
      sandbox = await startSandbox({
        SANDBOX_SIZE: WRITER_BENCH_SANDBOX_SIZE,
        SANDBOX_SEED: '11',
        SANDBOX_CLOCK: 'wall',
        SANDBOX_API_LIMITS: apiLimits,
      });
      const common = {
        DATABASE_URL: scratch.url,
        NATS_URL: o.natsUrl,
        FIELDSYNC_STREAM_PREFIX: prefix,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      };
      const manager = await startSessionManager(common);
      return new WriterBenchStack(o, prefix, db, sandbox, manager, () => scratch.drop(), common, startedAt);
    } catch (error) {
      await sandbox?.service.stop();
      await db.destroy();
      await scratch.drop();
      throw error;
    }
  }

  /** The extractor (connections refreshed every second), ready. */
  async startExtractor(): Promise<SpawnedService> {
    const port = await freePort();
    const extractor = spawnService('extractor', {
      ...this.common,
      PORT: String(port),
      EXTRACTOR_CONNECTIONS_REFRESH: '1s',
    });
    this.services.push(extractor);
    await extractor.waitReady(port);
    return extractor;
  }

  /**
   * One writer with its defaults but the pacing, LOG_LEVEL=info (its `command succeeded` lines carry ms
   * and vendorMs), the statement counter and any WRITER_BENCH_NODE_OPTIONS (docs/benchmarks.md "Writer").
   */
  async startWriter(requestsPerSecond: number): Promise<SpawnedService> {
    const port = await freePort();
    const writer = spawnService('writer', {
      ...this.common,
      LOG_LEVEL: 'info',
      PORT: String(port),
      WRITER_REQUESTS_PER_SECOND: String(requestsPerSecond),
      ...this.meter.env(),
    });
    this.services.push(writer);
    await writer.waitReady(port, 60_000);
    return writer;
  }

  /** Collects the results on FSM_RESULTS under `filter` (a logical subject filter) from now on. */
  async collectResults(filter: string): Promise<void> {
    const consumer = await jetstream(this.o.nc).consumers.get(streamName('results', this.prefix), {
      filter_subjects: withPrefix(filter, this.prefix),
      deliver_policy: DeliverPolicy.New,
    });
    const messages = await consumer.consume();
    this.stopConsumer = () => void messages.stop();
    void (async () => {
      for await (const m of messages) {
        const at = performance.now();
        const result = m.json<CommandResult>();
        if (this.arrived.has(result.commandId)) this.duplicates += 1;
        else this.arrived.set(result.commandId, { at, result });
      }
    })();
  }

  /** A publisher on this stack's streams. */
  publisher(): JetStreamPublisher {
    return new JetStreamPublisher({ nc: this.o.nc, prefix: this.prefix });
  }

  async close(): Promise<void> {
    this.stopConsumer?.();
    for (const service of this.services.reverse()) await service.stop('SIGTERM');
    await this.sandbox.service.stop();
    this.meter.close();
    await this.db.destroy();
    await this.dropScratch();
    const jsm = await jetstreamManager(this.o.nc);
    for (const kind of StreamKinds)
      await jsm.streams.delete(streamName(kind, this.prefix)).catch(() => false);
  }
}
