import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstreamManager,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { StreamKinds, type StreamKind } from './messaging.constants';
import { streamName, streamSubjectFilter, withPrefix } from './subjects';
import type { StreamsConfig } from './streams.schema';

/** What NATS (2.9) cannot change on an existing stream; a difference is reported, never forced. */
const IMMUTABLE_FIELDS = ['retention', 'storage'] as const;
const MUTABLE_FIELDS = [
  'subjects',
  'max_age',
  'max_bytes',
  'duplicate_window',
  'discard',
  'num_replicas',
] as const;
type ComparedField = (typeof IMMUTABLE_FIELDS)[number] | (typeof MUTABLE_FIELDS)[number];
type DesiredStreamConfig = Pick<StreamConfig, ComparedField | 'name' | 'description'>;

export interface StreamDifference {
  field: ComparedField;
  current: unknown;
  desired: unknown;
}

export interface StreamProvisionResult {
  stream: string;
  kind: StreamKind;
  action: 'created' | 'updated' | 'unchanged' | 'conflict';
  /** Fields changed (updated) or that could not be changed (conflict). */
  differences: StreamDifference[];
  /** Why an update was refused, for `conflict`. */
  error?: string;
}

export interface ProvisionReport {
  streams: StreamProvisionResult[];
  /** True when at least one stream differs from config in a way NATS cannot apply. */
  hasConflicts: boolean;
}

/** The desired NATS config of one stream, from our config. */
export function desiredStreamConfig(kind: StreamKind, config: StreamsConfig): DesiredStreamConfig {
  const s = config[kind];
  return {
    name: streamName(kind, config.prefix),
    description: `fieldsync ${kind}${config.prefix ? ` (prefix ${config.prefix})` : ''}`,
    subjects: [withPrefix(streamSubjectFilter(kind), config.prefix)],
    retention: kind === 'commands' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    storage: config.storage === 'memory' ? StorageType.Memory : StorageType.File,
    max_age: nanos(s.maxAgeMs),
    max_bytes: s.maxBytes ?? config.maxBytes,
    duplicate_window: nanos(config.duplicateWindowMs),
    discard: s.discard === 'new' ? DiscardPolicy.New : DiscardPolicy.Old,
    num_replicas: config.replicas,
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isStreamNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === (JetStreamApiCodes.StreamNotFound as number);
}

/**
 * Idempotent create-or-update of FSM_EVENTS, FSM_COMMANDS (work queue), FSM_RESULTS, FSM_DLQ.
 * Running it twice is a no-op (no update request is sent when nothing differs); a changed config
 * updates what NATS allows and reports what it cannot change (retention, storage, or anything the
 * server refuses, e.g. replicas on a single server).
 */
export class StreamProvisioner {
  constructor(
    private readonly nc: NatsConnection,
    private readonly config: StreamsConfig,
    private readonly logger?: Logger,
  ) {}

  async provision(): Promise<ProvisionReport> {
    const jsm = await jetstreamManager(this.nc);
    const streams: StreamProvisionResult[] = [];
    for (const kind of StreamKinds) {
      streams.push(await this.provisionOne(jsm, kind));
    }
    const report = { streams, hasConflicts: streams.some((s) => s.action === 'conflict') };
    for (const s of streams) {
      const line = { stream: s.stream, action: s.action, differences: s.differences, error: s.error };
      if (s.action === 'conflict')
        this.logger?.warn(line, 'stream config differs in a way NATS cannot apply');
      else this.logger?.info(line, `stream ${s.action}`);
    }
    return report;
  }

  /** Like provision(), but throws when a stream could not be brought in line with config (for boot). */
  async provisionOrThrow(): Promise<ProvisionReport> {
    const report = await this.provision();
    if (report.hasConflicts) {
      const detail = report.streams
        .filter((s) => s.action === 'conflict')
        .map((s) => `${s.stream}: ${s.error ?? s.differences.map((d) => d.field).join(', ')}`)
        .join('; ');
      throw new Error(`stream provisioning conflicts: ${detail}`);
    }
    return report;
  }

  private async provisionOne(jsm: JetStreamManager, kind: StreamKind): Promise<StreamProvisionResult> {
    const desired = desiredStreamConfig(kind, this.config);
    const stream = desired.name;
    let current: StreamConfig;
    try {
      current = (await jsm.streams.info(stream)).config;
    } catch (err) {
      if (!isStreamNotFound(err)) throw err;
      try {
        await jsm.streams.add(desired);
        return { stream, kind, action: 'created', differences: [] };
      } catch (addErr) {
        // Another replica may have created it concurrently: fall through to compare.
        current = (await jsm.streams.info(stream).catch(() => Promise.reject(addErr as Error))).config;
      }
    }

    const immutable = IMMUTABLE_FIELDS.filter((f) => !same(current[f], desired[f])).map((field) => ({
      field,
      current: current[field],
      desired: desired[field],
    }));
    const mutable = MUTABLE_FIELDS.filter((f) => !same(current[f], desired[f])).map((field) => ({
      field,
      current: current[field],
      desired: desired[field],
    }));
    if (immutable.length > 0) {
      return {
        stream,
        kind,
        action: 'conflict',
        differences: [...immutable, ...mutable],
        error: `cannot change ${immutable.map((d) => d.field).join(', ')} of an existing stream (delete and recreate it deliberately)`,
      };
    }
    if (mutable.length === 0) return { stream, kind, action: 'unchanged', differences: [] };
    const update: Partial<StreamConfig> = {};
    for (const d of mutable) Object.assign(update, { [d.field]: desired[d.field] });
    try {
      await jsm.streams.update(stream, { ...current, ...update });
      return { stream, kind, action: 'updated', differences: mutable };
    } catch (err) {
      return {
        stream,
        kind,
        action: 'conflict',
        differences: mutable,
        error: err instanceof Error ? err.message : String(err),
      };
    }
  }
}
