import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { getTestServices } from './test-services';

/** Deletes every stream a suite created under its prefix (`<prefix>_FSM_*`); call in afterAll. */
export async function deleteStreamsWithPrefix(
  prefix: string,
  natsUrl = getTestServices().natsUrl,
): Promise<string[]> {
  const nc = await connect({ servers: natsUrl, timeout: 5_000 });
  try {
    const jsm = await jetstreamManager(nc);
    const names = (await jsm.streams.names().next()).filter((name) => name.startsWith(`${prefix}_`));
    for (const name of names) await jsm.streams.delete(name);
    return names;
  } finally {
    await nc.close();
  }
}
