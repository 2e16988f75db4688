import { execFileSync } from 'node:child_process';
import { cpus, hostname, loadavg, platform, release, totalmem } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DB } from '@fieldsync/persistence';
import { sql, type Kysely } from 'kysely';
import type { MachineInfo } from './bench.types';

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** 1/5/15-minute load averages, two decimals. */
export function loadAverage(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}

/** The machine, runtimes and servers the figures were measured on (read-only git queries). */
export async function describeMachine(
  nc: NatsConnection,
  db: Kysely<DB>,
  sources: { nats: string; postgres: string },
): Promise<MachineInfo> {
  const { rows } = await sql<{ version: string }>`select version() as version`.execute(db);
  const settings: Record<string, string> = {};
  for (const name of ['fsync', 'synchronous_commit', 'shared_buffers', 'wal_level'] as const) {
    const r = await sql<{ setting: string }>`select current_setting(${name}) as setting`.execute(db);
    settings[name] = r.rows[0]?.setting ?? 'unknown';
  }
  const cpu = cpus();
  return {
    hostname: hostname(),
    platform: platform(),
    kernel: release(),
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: loadAverage(),
    node: process.version,
    v8: process.versions.v8,
    natsServer: nc.info?.version ?? 'unknown',
    natsSource: sources.nats,
    postgres: rows[0]?.version ?? 'unknown',
    postgresSource: sources.postgres,
    postgresSettings: settings,
    gitCommit: git(['rev-parse', 'HEAD']) ?? 'unknown',
    gitDirty: (git(['status', '--porcelain']) ?? '') !== '',
  };
}
