import type { KeyObject } from 'node:crypto';
import type { PinoLogger } from 'nestjs-pino';
import type { DeliveryEndpoint, EndpointRepository } from '../endpoints/endpoint.repository';
import type { SigningSecrets } from '../endpoints/signing-secrets';
import type { EndpointLanes } from './endpoint.lanes';
import type { ClaimedMessage, MessageRepository } from './message.repository';

/** A claimed message whose endpoint's secrets cannot be opened waits this long (operator must fix the vault key). */
const VAULT_FAILURE_DELAY_MS = 60_000;

/**
 * Takes messages this replica now owns (claimed, or recorded claimed by fan-out) into their endpoints'
 * lanes, with the endpoint's URL and opened signing keys. A message of a deleted endpoint is dropped
 * (its row went with it); one of a disabled endpoint fails (recover brings it back); one whose
 * endpoint's secrets cannot be opened goes back to the ledger for a minute.
 */
export class DeliveryIntake {
  constructor(
    private readonly endpoints: EndpointRepository,
    private readonly secrets: SigningSecrets,
    private readonly messages: MessageRepository,
    private readonly owner: string,
    private readonly logger: PinoLogger,
  ) {}

  /** Queues what can be sent; `dropped` hears, before any write, how many messages were not queued. */
  async accept(
    claimed: readonly ClaimedMessage[],
    lanes: EndpointLanes,
    dropped: (count: number) => void,
  ): Promise<void> {
    const endpoints = await this.endpoints.loadForDelivery([...new Set(claimed.map((m) => m.endpointId))]);
    const keys = new Map<string, KeyObject[] | undefined>();
    const gone: string[] = [];
    const disabled: string[] = [];
    const unopenable: string[] = [];
    for (const message of claimed) {
      const endpoint = endpoints.get(message.endpointId);
      if (!endpoint || endpoint.disabled) {
        (endpoint ? disabled : gone).push(message.id);
        continue;
      }
      if (!keys.has(endpoint.id)) keys.set(endpoint.id, this.openKeys(endpoint));
      const endpointKeys = keys.get(endpoint.id);
      if (!endpointKeys) {
        unopenable.push(message.id);
        continue;
      }
      lanes.laneOf(endpoint).queue.push({ message, url: endpoint.url, keys: endpointKeys });
    }
    dropped(gone.length + disabled.length + unopenable.length);
    if (disabled.length > 0) await this.messages.failClaimedOfDisabled(disabled, this.owner);
    if (unopenable.length > 0) await this.messages.release(unopenable, this.owner, VAULT_FAILURE_DELAY_MS);
  }

  private openKeys(endpoint: DeliveryEndpoint): KeyObject[] | undefined {
    try {
      return this.secrets.keys(endpoint.id, endpoint.secrets);
    } catch (err) {
      this.logger.error(
        { err, tenantId: endpoint.tenantId, endpointId: endpoint.id },
        'cannot open the signing secrets of the endpoint (vault key missing?)',
      );
      return undefined;
    }
  }
}
