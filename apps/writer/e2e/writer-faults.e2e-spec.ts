import { streamName } from '@fieldsync/messaging';
import { readStreamJson } from '@fieldsync/testing';
import { startWriterWorld, type WriterWorld } from './writer-harness.util';

/*
 * The writer's retry policy against the sandbox's faults: a vendor that answers 503 → backoff, then
 * `failed` + a copy on FSM_DLQ, and the same key sent again later executes once; answers that time out
 * after the vendor applied the write → the retries look for the marker and nothing is written twice;
 * 429 with Retry-After → the command waits and succeeds; a session the vendor expired → a new session,
 * once, and success.
 */

jest.setTimeout(480_000);

const address = (line1: string) => ({
  line1,
  line2: null,
  city: 'Austin',
  region: 'TX',
  postalCode: '78702',
  country: 'US',
  geo: null,
});

describe('writer: vendor faults (sandbox, real services)', () => {
  let world: WriterWorld;
  let metricsUrl: string;

  beforeAll(async () => {
    world = await startWriterWorld({ name: 'faults' });
    const writer = await world.startWriter({
      WRITER_MAX_ATTEMPTS: '3',
      WRITER_RETRY_BASE: '50ms',
      WRITER_RETRY_MAX: '200ms',
      WRITER_VENDOR_TIMEOUT: '1s',
    });
    metricsUrl = `http://127.0.0.1:${writer.port}/metrics`;
  });

  afterAll(async () => {
    await world?.close();
  });

  afterEach(async () => {
    await world.sandbox.portal('servicetitan').control('DELETE', 'faults');
    await world.sandbox.portal('jobber').control('DELETE', 'faults');
  });

  const vendorFailures = async (kind: string): Promise<number> => {
    const text = await (await fetch(metricsUrl)).text();
    return text
      .split('\n')
      .filter(
        (line) => line.startsWith('fsm_writer_vendor_failures_total{') && line.includes(`kind="${kind}"`),
      )
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  };

  it('a vendor down (503) → retried, then failed and dead-lettered; the same key later executes once', async () => {
    const st = world.sandbox.portal('servicetitan');
    const before = (await world.groundTruth('servicetitan', 'customers')).length;
    await st.control('POST', 'faults', { serverError: { rate: 1, status: 503 } });
    const key = `down-${Date.now()}`;
    const payload = { displayName: `Down Dana ${Date.now()}`, billingAddress: address('7 Outage Ln') };
    const first = world.command('servicetitan', 'client.create', payload, key);
    await world.publish(first);
    const [failed] = await world.resultsFor([first.commandId]);
    expect(failed).toMatchObject({
      status: 'failed',
      error: { code: 'vendor_unavailable', retriable: true },
    });
    const dlq = await readStreamJson<{ commandId?: string }>(world.nc, streamName('dlq', world.prefix));
    expect(dlq.filter((m) => m.commandId === first.commandId)).toHaveLength(1);

    await st.control('DELETE', 'faults');
    const again = world.command('servicetitan', 'client.create', payload, key);
    await world.publish(again);
    const [succeeded] = await world.resultsFor([again.commandId]);
    expect(succeeded).toMatchObject({ status: 'succeeded' });
    expect(succeeded?.replayed).toBeUndefined();
    expect((await world.groundTruth('servicetitan', 'customers')).length).toBe(before + 1);
  });

  it('answers lost to timeouts after the vendor applied the job → no second job when the key is sent again', async () => {
    const st = world.sandbox.portal('servicetitan');
    const location = (await world.stored('servicetitan', 'location'))[0];
    expect(location).toBeDefined();
    const before = (await world.groundTruth('servicetitan', 'jobs')).length;
    const start = new Date(Date.now() + 9 * 86_400_000);
    start.setUTCHours(16, 0, 0, 0);
    const payload = {
      customerId: location?.document['customerId'],
      locationId: location?.id,
      title: 'Slow vendor job',
      appointment: { scheduledStart: start.toISOString(), durationMinutes: 60 },
    };
    const key = `slow-${Date.now()}`;
    // Every answer comes after the writer's 1 s bound: the POST is applied, its answer is lost.
    await st.control('POST', 'faults', { latencyMs: 1_500 });
    const first = world.command('servicetitan', 'job.create', payload, key);
    await world.publish(first);
    const [failed] = await world.resultsFor([first.commandId]);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'vendor_unavailable' } });
    await st.control('DELETE', 'faults');
    const again = world.command('servicetitan', 'job.create', payload, key);
    await world.publish(again);
    const [succeeded] = await world.resultsFor([again.commandId]);
    expect(succeeded).toMatchObject({ status: 'succeeded' });
    const jobs = await world.groundTruth('servicetitan', 'jobs');
    expect(jobs.length).toBe(before + 1);
    expect(jobs.filter((j) => j['summary'] === 'Slow vendor job')).toHaveLength(1);
  });

  it('429 with Retry-After → the command waits as the vendor asked and succeeds (Jobber)', async () => {
    const jobber = world.sandbox.portal('jobber');
    const limited = await vendorFailures('rate_limited');
    await jobber.control('POST', 'faults', { rateLimit: { next: 2, retryAfterSeconds: 1 } });
    const command = world.command('jobber', 'client.create', {
      displayName: `Throttled Theo ${Date.now()}`,
      firstName: 'Theo',
      lastName: `Throttled ${Date.now()}`,
      billingAddress: address('429 Retry Rd'),
    });
    await world.publish(command);
    const [result] = await world.resultsFor([command.commandId]);
    expect(result).toMatchObject({ status: 'succeeded' });
    expect(await vendorFailures('rate_limited')).toBeGreaterThan(limited);
  });

  it('a session the vendor expired → invalidated, a new login, one retry, success', async () => {
    const st = world.sandbox.portal('servicetitan');
    const unauthorized = await vendorFailures('unauthorized');
    await st.control('POST', 'sessions/expire', {});
    const command = world.command('servicetitan', 'client.create', {
      displayName: `Expired Eve ${Date.now()}`,
      billingAddress: address('401 Session St'),
    });
    await world.publish(command);
    const [result] = await world.resultsFor([command.commandId], 120_000);
    expect(result).toMatchObject({ status: 'succeeded' });
    expect(await vendorFailures('unauthorized')).toBeGreaterThan(unauthorized);
  });
});
