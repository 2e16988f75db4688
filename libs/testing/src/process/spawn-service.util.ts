import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { expectEventually } from '../assertions/expect-eventually.util';
import { freePort } from '../services/free-port.util';

const WORKSPACE_ROOT = resolve(__dirname, '../../../..');

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  elapsedMs: number;
  /** Epoch ms of the exit, to compare with the `time` of the process's own log lines. */
  exitedAt: number;
  stdout: string;
  stderr: string;
}

export interface SpawnedService {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly exited: Promise<ServiceExit>;
  /** Everything the process printed so far (stdout then stderr). */
  output(): string;
  /** Polls GET /health/ready on 127.0.0.1:port until 200; fails with the process output attached. */
  waitReady(port: number, timeoutMs?: number): Promise<unknown>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit. */
  stop(signal?: NodeJS.Signals): Promise<ServiceExit>;
}

const running = new Set<SpawnedService>();

/**
 * Starts `apps/<app>/src/main.ts` as an operator's `nx serve <app>` does, with exactly `env` (plus PATH
 * and NODE_ENV=test), so a spec sees the real boot: config parsing, dependency checks, signals.
 */
export function spawnService(app: string, env: Record<string, string>): SpawnedService {
  const started = Date.now();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', `apps/${app}/src/main.ts`], {
    cwd: WORKSPACE_ROOT,
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<ServiceExit>((done) =>
    child.once('exit', (code, signal) =>
      done({ code, signal, elapsedMs: Date.now() - started, exitedAt: Date.now(), stdout, stderr }),
    ),
  );
  const service: SpawnedService = {
    child,
    exited,
    output: () => stdout + stderr,
    waitReady: (port, timeoutMs = 30_000) =>
      expectEventually(
        async () => {
          // No jest `expect` here: the bench and the demo's tooling start services too.
          const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
          if (res.status !== 200) throw new Error(`GET /health/ready answered ${res.status}`);
          return res.json();
        },
        { timeoutMs, intervalMs: 100 },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n--- ${app} output ---\n${stdout + stderr}`);
      }),
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
  running.add(service);
  void exited.then(() => running.delete(service));
  return service;
}

/**
 * Milliseconds from the service's own `starting` log line (written once its code is loaded, when the boot
 * bound starts) to its exit: the boot bound as the process sees it, whatever the machine's load did to
 * loading the code before.
 */
export function msFromStartingToExit(exit: ServiceExit): number {
  const line = exit.stdout.split('\n').find((l) => l.includes('"msg":"starting"'));
  if (!line) throw new Error(`the service never logged "starting":\n${exit.stdout}${exit.stderr}`);
  const { time } = JSON.parse(line) as { time: number | string };
  return exit.exitedAt - (typeof time === 'number' ? time : Date.parse(time));
}

/** SIGKILLs every service a spec spawned and did not stop (call in afterAll). */
export async function killSpawnedServices(): Promise<void> {
  const left = [...running];
  for (const service of left) service.child.kill('SIGKILL');
  await Promise.all(left.map((s) => s.exited));
}

/**
 * Spawns `app` on a free port and waits until it is ready. A free port can be taken between `freePort`
 * and the service's own listen (by another process, or by the service itself binding its other
 * listeners on port 0 first): a start that fails with EADDRINUSE is retried on a new port, up to
 * `attempts` times. `env(port)` builds the environment for a port.
 */
export async function spawnReady(
  app: string,
  env: (port: number) => Record<string, string>,
  options: { readyTimeoutMs?: number; attempts?: number } = {},
): Promise<{ service: SpawnedService; port: number }> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const service = spawnService(app, env(port));
    try {
      await service.waitReady(port, options.readyTimeoutMs);
      return { service, port };
    } catch (error) {
      // A service that did not get ready in time is stopped: left running, it could still come up and act
      // in the test (a writer taking commands meant for the next one).
      service.child.kill('SIGKILL');
      await service.exited;
      if (attempt >= attempts || !service.output().includes('EADDRINUSE')) throw error;
    }
  }
}
