// List scheduled jobs with a filter, then walk every job by cursor.
//   FIELDSYNC_API_URL=http://localhost:3000 FIELDSYNC_API_KEY=fsk_… \
//     node -r @swc-node/register libs/sdk/examples/list-jobs.ts [status]
// (outside the monorepo: import { FieldsyncClient } from '@fieldsync/sdk')
import { FieldsyncApiError, FieldsyncClient } from '../src/index';

async function main(): Promise<void> {
  const client = new FieldsyncClient({
    baseUrl: process.env['FIELDSYNC_API_URL'] ?? 'http://localhost:3000',
    apiKey: process.env['FIELDSYNC_API_KEY'] ?? '',
  });
  const status = (process.argv[2] ?? 'scheduled') as 'scheduled';
  const page = await client.list('jobs', { status, pageSize: 10 });
  console.log(`${page.total ?? '?'} ${status} job(s); the first ${page.items.length}:`);
  for (const job of page.items) {
    console.log(`  ${job.jobId}  ${job.scheduledStart ?? '(unscheduled)'}  ${job.title ?? ''}`);
  }
  let count = 0;
  for await (const job of client.iterate('jobs', { pageSize: 200 })) {
    count += 1;
    if (count === 1) console.log(`oldest change: ${job.jobId} at ${job.updatedAt}`);
  }
  console.log(`${count} job(s) in all, read by cursor`);
}

main().catch((error: unknown) => {
  if (error instanceof FieldsyncApiError) {
    console.error(`${error.message} [request ${error.requestId ?? '?'}]`);
  } else console.error(error);
  process.exit(1);
});
