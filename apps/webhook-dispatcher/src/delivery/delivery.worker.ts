import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { DeliverySettings } from '../config/delivery.config';
import { EndpointRepository } from '../endpoints/endpoint.repository';
import { SigningSecrets } from '../endpoints/signing-secrets';
import { AttemptSender } from './attempt.sender';
import { CompletionWriter } from './completion.writer';
import { DeliveryIntake } from './delivery.intake';
import { DELIVERY_SETTINGS, REPLICA_ID } from './delivery.constants';
import { DeliveryMetrics } from './delivery.metrics';
import { EndpointLanes, type HeldMessage, type Lane } from './endpoint.lanes';
import { MessageRepository, type ClaimedMessage } from './message.repository';
import { WakeSignal } from './wake-signal.util';
import { WebhookClient } from './webhook.client';

/** A message is not started unless its lease outlives the attempt by this much. */
const LEASE_SAFETY_MS = 2_000;

/**
 * The delivery loop of one replica. It claims due messages from the ledger (bounded by
 * WEBHOOK_MAX_CONCURRENCY requests in flight, with up to as many more waiting), keeps them in a queue per
 * endpoint (EndpointLanes, filled by DeliveryIntake), and starts them round-robin across endpoints, each
 * endpoint limited to WEBHOOK_ENDPOINT_CONCURRENCY requests in flight and to its own rate limit (a token
 * bucket); AttemptSender sends each and hands it to the CompletionWriter. An endpoint whose queue is full
 * is left out of the next claims, so a slow or rate-limited endpoint holds at most its own share and
 * never starves the others.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly lanes: EndpointLanes;
  private readonly intake: DeliveryIntake;
  private readonly sender: AttemptSender;
  private readonly wakeSignal = new WakeSignal();
  private readonly handOffs = new Set<Promise<void>>();
  private readonly inFlightTasks = new Set<Promise<void>>();
  /** Requests in flight on this replica. */
  private inFlight = 0;
  /** Messages this replica holds: in flight, waiting in a lane, or reserved for fan-out. */
  private held = 0;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private tokenTimer: NodeJS.Timeout | undefined;
  private readonly maxHeld: number;
  private readonly claimBatch: number;

  constructor(
    private readonly messages: MessageRepository,
    endpoints: EndpointRepository,
    secrets: SigningSecrets,
    private readonly completions: CompletionWriter,
    private readonly client: WebhookClient,
    private readonly metrics: DeliveryMetrics,
    @Inject(DELIVERY_SETTINGS) private readonly settings: DeliverySettings,
    @Inject(REPLICA_ID) private readonly owner: string,
    @InjectPinoLogger(DeliveryWorker.name) private readonly logger: PinoLogger,
  ) {
    this.maxHeld = 2 * settings.maxConcurrency;
    this.claimBatch = Math.max(8, settings.maxConcurrency);
    this.lanes = new EndpointLanes(settings.endpointConcurrency);
    this.intake = new DeliveryIntake(endpoints, secrets, messages, owner, logger);
    this.sender = new AttemptSender(client, completions, metrics, settings);
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
    const waiting = this.lanes.takeWaiting();
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
    this.sender.abandon();
    await this.completions.drain(grace);
    await this.client.destroy().catch(() => undefined);
  }

  /** Claim again now (new messages were recorded, or an attempt finished). */
  wake(): void {
    this.wakeSignal.wake();
  }

  /**
   * Fan-out asks, for each new message, whether this replica takes it at once: when it does, the message
   * is recorded already claimed by us and handed over after the commit (no claim round trip for a first
   * attempt). Every reservation is settled by `handOff`.
   */
  reserve(endpointId: string): boolean {
    if (this.stopping || this.held >= this.maxHeld) return false;
    if (!this.lanes.hasRoom(endpointId)) return false;
    this.held++;
    this.lanes.reserve(endpointId);
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

  /** Claims while there is room to hold more, sleeping when there was nothing (more) to claim. */
  private async run(): Promise<void> {
    while (!this.stopping) {
      const budget = Math.min(this.maxHeld - this.held, this.claimBatch);
      if (budget <= 0) {
        await this.wakeSignal.sleep(this.settings.pollIntervalMs);
        continue;
      }
      let claimed: ClaimedMessage[];
      try {
        claimed = await this.messages.claim(
          budget,
          this.lanes.saturated(),
          this.owner,
          this.settings.leaseMs,
        );
      } catch (err) {
        this.logger.error({ err }, 'claiming due messages failed');
        await this.wakeSignal.sleep(this.settings.pollIntervalMs);
        continue;
      }
      if (claimed.length > 0) {
        this.held += claimed.length;
        await this.accept(claimed, 'loading endpoints of claimed messages failed');
        this.pump();
      }
      if (claimed.length < budget) await this.wakeSignal.sleep(this.settings.pollIntervalMs);
    }
  }

  private async settle(reservations: readonly string[], recorded: readonly ClaimedMessage[]): Promise<void> {
    this.lanes.release(reservations);
    this.held -= reservations.length - recorded.length;
    if (recorded.length === 0) return;
    await this.accept(recorded, 'loading endpoints of new messages failed; they go back to the ledger');
    this.pump();
  }

  /** Queues messages this replica now holds; when that fails they go back to the ledger. */
  private async accept(owned: readonly ClaimedMessage[], failure: string): Promise<void> {
    try {
      await this.intake.accept(owned, this.lanes, (dropped) => (this.held -= dropped));
    } catch (err) {
      this.logger.error({ err }, failure);
      this.held -= owned.length;
      await this.messages
        .release(
          owned.map((m) => m.id),
          this.owner,
        )
        .catch(() => undefined);
    }
  }

  /** Starts what may start: round-robin over endpoints, within the global and per-endpoint bounds. */
  private pump(): void {
    if (this.stopping) return;
    const cap = this.settings.endpointConcurrency;
    let progressed = true;
    while (progressed && this.inFlight < this.settings.maxConcurrency) {
      progressed = false;
      for (const lane of this.lanes.inTurn()) {
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
        this.lanes.rotate(lane);
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

  private start(lane: Lane, held: HeldMessage): void {
    lane.inFlight++;
    lane.lastUsed = Date.now();
    this.inFlight++;
    this.metrics.inFlight.set(this.inFlight);
    const task = this.sender
      .send(lane.endpointId, held)
      .catch((err: unknown) =>
        this.logger.error({ err, messageId: held.message.id }, 'delivery attempt crashed'),
      )
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
