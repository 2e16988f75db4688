import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.util';
import { waitForPort } from './wait-for-port.util';

export const NATS_SERVER_BIN = '/usr/sbin/nats-server';

export interface PrivateNatsOptions {
  /** nats-server binary; defaults to NATS_SERVER_BIN or the one on PATH. */
  binary?: string;
  startTimeoutMs?: number;
  /**
   * A nats-server configuration file (`-c`), e.g. docker/nats/nats-server.conf with its accounts and
   * permissions. The port, the loopback address, JetStream and the store directory still come from
   * the command line, which overrides the file.
   */
  configFile?: string;
  /** Extra environment of the server process: the `$VARIABLES` the config file refers to (passwords). */
  env?: Readonly<Record<string, string>>;
}

/**
 * A nats-server with JetStream that this process owns: on a free loopback port, with its store in a
 * temp dir that survives stop/start so fault tests can kill and restart it without losing streams.
 */
export class PrivateNats {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly binary: string,
    private readonly startTimeoutMs: number,
    private readonly config: Pick<PrivateNatsOptions, 'configFile' | 'env'> = {},
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  static async start(options: PrivateNatsOptions = {}): Promise<PrivateNats> {
    const binary = options.binary ?? (existsSync(NATS_SERVER_BIN) ? NATS_SERVER_BIN : 'nats-server');
    const storeDir = mkdtempSync(join(tmpdir(), 'fs-nats-'));
    const nats = new PrivateNats(await freePort(), storeDir, binary, options.startTimeoutMs ?? 10_000, {
      ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    await nats.start();
    return nats;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const configArgs = this.config.configFile === undefined ? [] : ['-c', this.config.configFile];
    const child = spawn(
      this.binary,
      [...configArgs, '-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        ...(this.config.env === undefined ? {} : { env: { ...process.env, ...this.config.env } }),
      },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    try {
      await Promise.race([
        waitForPort(this.port, this.startTimeoutMs),
        this.exited.then(() => {
          throw new Error(`nats-server exited during start: ${stderr.trim()}`);
        }),
      ]);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  /** Graceful stop (SIGTERM); JetStream flushes its store. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** Crash: SIGKILL, no flush. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stops the server and removes its store. */
  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.storeDir, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
