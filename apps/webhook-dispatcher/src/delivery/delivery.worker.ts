import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { DeliverySettings } from '../config/delivery.config';
import { EndpointRepository, type DeliveryEndpoint } from '../endpoints/endpoint.repository';
import { SigningSecrets } from '../endpoints/signing-secrets';
import { CompletionWriter } from './completion.writer';
import { DELIVERY_SETTINGS, REPLICA_ID } from './delivery.constants';
import { DeliveryMetrics } from './delivery.metrics';
import { MessageRepository, type ClaimedMessage } from './message.repository';
import { decide } from './retry.policy';
import { TokenBucket } from './token-bucket';
import { WebhookClient } from './webhook.client';

/** A message of this replica waiting for its endpoint's turn. */
interface Held {
  message: ClaimedMessage;
  url: string;
  keys: Buffer[];
}

/** Per-endpoint state of this replica: its queue, requests in flight and rate limiter. */
interface Lane {
  readonly endpointId: string;
  readonly queue: Held[];
  inFlight: number;
  bucket: TokenBucket | undefined;
  lastUsed: number;
}

/** A message is not started unless its lease outlives the attempt by this much. */
const LEASE_SAFETY_MS = 2_000;
/** A claimed message whose endpoint's secrets cannot be opened waits this long (operator must fix the vault key). */
const VAULT_FAILURE_DELAY_MS = 60_000;
const IDLE_LANE_MS = 60_000;

/**
 * The delivery loop of one replica. It claims due messages from the ledger (bounded by
 * WEBHOOK_MAX_CONCURRENCY requests in flight, with up to as many more waiting), keeps them in a queue per
 * endpoint, and starts them round-robin across endpoints, each endpoint limited to
 * WEBHOOK_ENDPOINT_CONCURRENCY requests in flight and to its own rate limit (a token bucket). An endpoint
 * whose queue is full is left out of the next claims, so a slow or rate-limited endpoint holds at most
 * its own share and never starves the others.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly lanes = new Map<string, Lane>();
  /** Messages fan-out is recording for us right now, per endpoint (counted in `held`). */
  private readonly reserved = new Map<string, number>();
  private readonly handOffs = new Set<Promise<void>>();
  private readonly inFlightTasks = new Set<Promise<void>>();
  private inFlight = 0;
  private held = 0;
  private stopping = false;
  private abandoned = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private tokenTimer: NodeJS.Timeout | undefined;
  private readonly maxHeld: number;
  private readonly claimBatch: number;

  constructor(
    private readonly messages: MessageRepository,
    private readonly endpoints: EndpointRepository,
    private readonly secrets: SigningSecrets,
    private readonly completions: CompletionWriter,
    private readonly client: WebhookClient,
    private readonly metrics: DeliveryMetrics,
    @Inject(DELIVERY_SETTINGS) private readonly settings: DeliverySettings,
    @Inject(REPLICA_ID) private readonly owner: string,
    @InjectPinoLogger(DeliveryWorker.name) private readonly logger: PinoLogger,
  ) {
    this.maxHeld = 2 * settings.maxConcurrency;
    this.claimBatch = Math.max(8, settings.maxConcurrency);
    completions.onFlushed(() => this.wake());
  }

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  /** Stops claiming, gives back what has not started, lets running attempts finish (bounded) and writes them. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake();
    clearTimeout(this.tokenTimer);
    await this.loop;
    await Promise.allSettled([...this.handOffs]);
    const waiting = [...this.lanes.values()].flatMap((lane) => lane.queue.splice(0));
    this.held -= waiting.length;
    await this.messages
      .release(
        waiting.map((h) => h.message.id),
        this.owner,
      )
      .catch((err: unknown) =>
        this.logger.warn({ err }, 'could not release waiting messages; their leases will run out'),
      );
    const grace = this.settings.shutdownGraceMs;
    await Promise.race([
      Promise.allSettled([...this.inFlightTasks]),
      new Promise((resolve) => setTimeout(resolve, grace).unref()),
    ]);
    // Attempts still running past the grace are abandoned: not written, their leases run out and another
    // replica (or this one, restarted) sends them again.
    this.abandoned = true;
    await this.completions.drain(grace);
    await this.client.destroy().catch(() => undefined);
  }

  /** Claim again now (new messages were recorded, or an attempt finished). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
    this.woken = false;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const budget = Math.min(this.maxHeld - this.held, this.claimBatch);
      if (budget <= 0) {
        await this.sleep(this.settings.pollIntervalMs);
        continue;
      }
      let claimed: ClaimedMessage[];
      try {
        claimed = await this.messages.claim(budget, this.saturated(), this.owner, this.settings.leaseMs);
      } catch (err) {
        this.logger.error({ err }, 'claiming due messages failed');
        await this.sleep(this.settings.pollIntervalMs);
        continue;
      }
      if (claimed.length > 0) {
        this.held += claimed.length;
        try {
          await this.accept(claimed);
        } catch (err) {
          this.logger.error({ err }, 'loading endpoints of claimed messages failed');
          this.held -= claimed.length;
          await this.messages
            .release(
              claimed.map((m) => m.id),
              this.owner,
            )
            .catch(() => undefined);
        }
        this.pump();
      }
      if (claimed.length < budget) await this.sleep(this.settings.pollIntervalMs);
    }
  }

  /** Messages an endpoint may have here (in flight and waiting): its concurrency plus a waiting room. */
  private laneLimit(lane: Lane | undefined): number {
    const cap = this.settings.endpointConcurrency;
    const waitingRoom = lane?.bucket ? Math.min(cap, Math.max(1, Math.ceil(lane.bucket.ratePerSecond))) : cap;
    return cap + waitingRoom;
  }

  private laneHeld(endpointId: string, lane = this.lanes.get(endpointId)): number {
    return (lane ? lane.queue.length + lane.inFlight : 0) + (this.reserved.get(endpointId) ?? 0);
  }

  /** Endpoints whose queue here is full: left out of the next claim. */
  private saturated(): string[] {
    const out: string[] = [];
    const now = Date.now();
    for (const lane of this.lanes.values()) {
      const held = this.laneHeld(lane.endpointId, lane);
      if (held === 0 && now - lane.lastUsed > IDLE_LANE_MS) {
        this.lanes.delete(lane.endpointId);
        continue;
      }
      if (held >= this.laneLimit(lane)) out.push(lane.endpointId);
    }
    return out;
  }

  /**
   * Fan-out asks, for each new message, whether this replica takes it at once: when it does, the message
   * is recorded already claimed by us and handed over after the commit (no claim round trip for a first
   * attempt). Every reservation is settled by `handOff`.
   */
  reserve(endpointId: string): boolean {
    if (this.stopping || this.held >= this.maxHeld) return false;
    if (this.laneHeld(endpointId) >= this.laneLimit(this.lanes.get(endpointId))) return false;
    this.held++;
    this.reserved.set(endpointId, (this.reserved.get(endpointId) ?? 0) + 1);
    return true;
  }

  /**
   * Settles reservations (one endpoint id per reservation) after the fan-out transaction: the messages it
   * recorded claimed start; the rest (already recorded before, or the transaction failed) are dropped.
   */
  handOff(reservations: readonly string[], recorded: readonly ClaimedMessage[]): Promise<void> {
    const settling = this.settle(reservations, recorded).finally(() => this.handOffs.delete(settling));
    this.handOffs.add(settling);
    return settling;
  }

  private async settle(reservations: readonly string[], recorded: readonly ClaimedMessage[]): Promise<void> {
    for (const endpointId of reservations) {
      const left = (this.reserved.get(endpointId) ?? 1) - 1;
      if (left > 0) this.reserved.set(endpointId, left);
      else this.reserved.delete(endpointId);
    }
    this.held -= reservations.length - recorded.length;
    if (recorded.length === 0) return;
    try {
      await this.accept(recorded);
    } catch (err) {
      this.logger.error({ err }, 'loading endpoints of new messages failed; they go back to the ledger');
      this.held -= recorded.length;
      await this.messages
        .release(
          recorded.map((m) => m.id),
          this.owner,
        )
        .catch(() => undefined);
    }
    this.pump();
  }

  private lane(endpoint: DeliveryEndpoint): Lane {
    let lane = this.lanes.get(endpoint.id);
    if (!lane) {
      lane = { endpointId: endpoint.id, queue: [], inFlight: 0, bucket: undefined, lastUsed: Date.now() };
      this.lanes.set(endpoint.id, lane);
    }
    const rate = endpoint.rateLimitPerSecond;
    if (rate === null) lane.bucket = undefined;
    else if (lane.bucket?.ratePerSecond !== rate) lane.bucket = new TokenBucket(rate);
    return lane;
  }

  private async accept(claimed: readonly ClaimedMessage[]): Promise<void> {
    const endpoints = await this.endpoints.loadForDelivery([...new Set(claimed.map((m) => m.endpointId))]);
    const keys = new Map<string, Buffer[] | undefined>();
    const disabled: string[] = [];
    const unopenable: string[] = [];
    for (const message of claimed) {
      const endpoint = endpoints.get(message.endpointId);
      if (!endpoint || endpoint.disabled) {
        // Deleted endpoint: the row is gone with it. Disabled: the message fails (recover brings it back).
        this.held--;
        if (endpoint) disabled.push(message.id);
        continue;
      }
      if (!keys.has(endpoint.id)) {
        try {
          keys.set(endpoint.id, this.secrets.keys(endpoint.id, endpoint.secrets));
        } catch (err) {
          keys.set(endpoint.id, undefined);
          this.logger.error(
            { err, tenantId: endpoint.tenantId, endpointId: endpoint.id },
            'cannot open the signing secrets of the endpoint (vault key missing?)',
          );
        }
      }
      const endpointKeys = keys.get(endpoint.id);
      if (!endpointKeys) {
        this.held--;
        unopenable.push(message.id);
        continue;
      }
      this.lane(endpoint).queue.push({ message, url: endpoint.url, keys: endpointKeys });
    }
    if (disabled.length > 0) await this.messages.failClaimedOfDisabled(disabled, this.owner);
    if (unopenable.length > 0) await this.messages.release(unopenable, this.owner, VAULT_FAILURE_DELAY_MS);
  }

  /** Starts what may start: round-robin over endpoints, within the global and per-endpoint bounds. */
  private pump(): void {
    if (this.stopping) return;
    const cap = this.settings.endpointConcurrency;
    let progressed = true;
    while (progressed && this.inFlight < this.settings.maxConcurrency) {
      progressed = false;
      for (const lane of [...this.lanes.values()]) {
        if (this.inFlight >= this.settings.maxConcurrency) break;
        if (lane.queue.length === 0 || lane.inFlight >= cap) continue;
        if (lane.bucket && !lane.bucket.tryTake()) {
          this.wakeForToken(lane.bucket.msUntilToken());
          continue;
        }
        const held = lane.queue.shift();
        if (!held) continue;
        progressed = true;
        if (
          Date.now() + this.settings.requestTimeoutMs + LEASE_SAFETY_MS >
          held.message.leaseUntil.getTime()
        ) {
          // Its lease would run out mid-attempt: give it back rather than risk a second replica sending it too.
          this.held--;
          void this.messages.release([held.message.id], this.owner).catch(() => undefined);
          continue;
        }
        // Rotate: the lane that just started goes last, so the next free slot goes to another endpoint.
        this.lanes.delete(lane.endpointId);
        this.lanes.set(lane.endpointId, lane);
        this.start(lane, held);
      }
    }
  }

  private wakeForToken(ms: number): void {
    if (this.tokenTimer) return;
    this.tokenTimer = setTimeout(
      () => {
        this.tokenTimer = undefined;
        this.pump();
      },
      Math.max(1, ms),
    );
    this.tokenTimer.unref();
  }

  private start(lane: Lane, held: Held): void {
    lane.inFlight++;
    lane.lastUsed = Date.now();
    this.inFlight++;
    this.metrics.inFlight.set(this.inFlight);
    const { message } = held;
    const attemptedAt = new Date();
    this.metrics.lagSeconds.observe(Math.max(0, attemptedAt.getTime() - message.dueAt.getTime()) / 1_000);
    const task = this.client
      .send(
        { url: held.url, messageId: message.id, body: message.body, keys: held.keys },
        attemptedAt.getTime(),
      )
      .then((result) => {
        this.metrics.recordAttempt(result.outcome, result.durationMs);
        if (this.abandoned) return;
        const decision = decide(result, message.scheduledAttempts + 1, this.settings);
        this.completions.add({
          message,
          endpoint: { id: lane.endpointId, tenantId: message.tenantId, url: held.url },
          result,
          decision,
          attemptedAt,
        });
      })
      .catch((err: unknown) => this.logger.error({ err, messageId: message.id }, 'delivery attempt crashed'))
      .finally(() => {
        lane.inFlight--;
        this.inFlight--;
        this.held--;
        this.metrics.inFlight.set(this.inFlight);
        this.inFlightTasks.delete(task);
        this.pump();
        // Refill in batches: claim again once this endpoint's queue ran low (or the replica has little
        // work), not after every attempt — each claim is a round trip that scans the due index.
        if (
          lane.queue.length + lane.inFlight <= this.settings.endpointConcurrency ||
          this.held < this.claimBatch / 2
        ) {
          this.wake();
        }
      });
    this.inFlightTasks.add(task);
  }
}
