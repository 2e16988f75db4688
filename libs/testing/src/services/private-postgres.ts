import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.util';

const run = promisify(execFile);

/** Where Debian puts the server binaries; the newest installed major wins. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] === undefined ? undefined : join(root, majors[0], 'bin');
}

export interface PrivatePostgresOptions {
  binDir?: string;
}

/**
 * The OS user the server binaries run as: Postgres refuses to run as root, so as root they run as
 * `postgres` (through runuser); otherwise as the current user (undefined).
 */
export function serverUser(): string | undefined {
  return userInfo().uid === 0 ? 'postgres' : undefined;
}

/**
 * A PostgreSQL cluster this process owns: initdb into a temp dir, served on a free loopback port, tuned
 * for tests (fsync off: a process crash keeps every commit, an OS crash need not). Postgres refuses to run as root, so as root the binaries run as the `postgres`
 * user through runuser. stop() is a clean shutdown; kill() is an immediate (crash-like) one.
 */
export class PrivatePostgres {
  private running_ = false;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly binDir: string,
    private readonly runAs: string | undefined,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get running(): boolean {
    return this.running_;
  }

  static async start(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
    const binDir = options.binDir ?? postgresBinDir();
    if (!binDir) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
    const dir = mkdtempSync(join(tmpdir(), 'fs-pg-'));
    const runAs = serverUser();
    if (runAs) {
      const { stdout } = await run('id', ['-u', runAs]);
      const { stdout: gid } = await run('id', ['-g', runAs]);
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const pg = new PrivatePostgres(await freePort(), dir, binDir, runAs);
    await pg.exec('initdb', [
      '-D',
      pg.dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
    await pg.start();
    return pg;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  async start(): Promise<void> {
    if (this.running_) return;
    const serverOptions = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    await this.exec('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'server.log'),
      '-o',
      serverOptions,
      '-w',
      '-t',
      '30',
      'start',
    ]);
    this.running_ = true;
  }

  /** Clean shutdown: connections are closed, a checkpoint is written. */
  async stop(): Promise<void> {
    await this.shutdown('fast');
  }

  /** Crash-like shutdown: every backend is killed, recovery runs at the next start. */
  async kill(): Promise<void> {
    await this.shutdown('immediate');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async shutdown(mode: 'fast' | 'immediate'): Promise<void> {
    if (!this.running_) return;
    await this.exec('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '30', 'stop']);
    this.running_ = false;
  }

  private async exec(binary: string, args: string[]): Promise<void> {
    const path = join(this.binDir, binary);
    const [file, argv] = this.runAs ? ['runuser', ['-u', this.runAs, '--', path, ...args]] : [path, args];
    try {
      await run(file, argv, { cwd: this.dir, timeout: 60_000 });
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`${binary} failed: ${(e.stderr ?? e.message).trim()}`);
    }
  }
}
