import type { KeyObject } from 'node:crypto';
import type { DeliveryEndpoint } from '../endpoints/endpoint.repository';
import type { ClaimedMessage } from './message.repository';
import { TokenBucket } from './token-bucket';

/** A message of this replica waiting for its endpoint's turn, with what sending it takes. */
export interface HeldMessage {
  message: ClaimedMessage;
  url: string;
  keys: KeyObject[];
}

/** Per-endpoint state of this replica: its queue, requests in flight and rate limiter. */
export interface Lane {
  readonly endpointId: string;
  readonly queue: HeldMessage[];
  inFlight: number;
  bucket: TokenBucket | undefined;
  lastUsed: number;
}

/** A lane with nothing held for this long is forgotten. */
const IDLE_LANE_MS = 60_000;

/**
 * This replica's lanes, one per endpoint, in round-robin order, and the messages fan-out is recording
 * for an endpoint right now (reserved). An endpoint may hold its concurrency in flight plus a waiting
 * room here — as deep as its concurrency, or as one second of its rate limit when that is smaller — so
 * a slow or rate-limited endpoint holds at most its own share.
 */
export class EndpointLanes {
  private readonly lanes = new Map<string, Lane>();
  private readonly reserved = new Map<string, number>();

  constructor(private readonly endpointConcurrency: number) {}

  /** The endpoint's lane (created when new), its rate limiter following the endpoint's current limit. */
  laneOf(endpoint: DeliveryEndpoint): Lane {
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

  /** The lanes in turn order: the one that started last comes last. */
  inTurn(): Lane[] {
    return [...this.lanes.values()];
  }

  /** The lane that just started a message goes last, so the next free slot goes to another endpoint. */
  rotate(lane: Lane): void {
    this.lanes.delete(lane.endpointId);
    this.lanes.set(lane.endpointId, lane);
  }

  /** Whether the endpoint may take one more message here. */
  hasRoom(endpointId: string): boolean {
    return this.held(endpointId) < this.limit(this.lanes.get(endpointId));
  }

  reserve(endpointId: string): void {
    this.reserved.set(endpointId, (this.reserved.get(endpointId) ?? 0) + 1);
  }

  /** Ends one reservation per endpoint id listed. */
  release(reservations: readonly string[]): void {
    for (const endpointId of reservations) {
      const left = (this.reserved.get(endpointId) ?? 1) - 1;
      if (left > 0) this.reserved.set(endpointId, left);
      else this.reserved.delete(endpointId);
    }
  }

  /** Endpoints whose share here is full: left out of the next claim. Lanes idle for a while are dropped. */
  saturated(): string[] {
    const out: string[] = [];
    const now = Date.now();
    for (const lane of this.lanes.values()) {
      const held = this.held(lane.endpointId, lane);
      if (held === 0 && now - lane.lastUsed > IDLE_LANE_MS) {
        this.lanes.delete(lane.endpointId);
        continue;
      }
      if (held >= this.limit(lane)) out.push(lane.endpointId);
    }
    return out;
  }

  /** Empties every queue (shutdown): what was waiting and never started. */
  takeWaiting(): HeldMessage[] {
    return [...this.lanes.values()].flatMap((lane) => lane.queue.splice(0));
  }

  /** Messages an endpoint may have here (in flight and waiting): its concurrency plus a waiting room. */
  private limit(lane: Lane | undefined): number {
    const cap = this.endpointConcurrency;
    const waitingRoom = lane?.bucket ? Math.min(cap, Math.max(1, Math.ceil(lane.bucket.ratePerSecond))) : cap;
    return cap + waitingRoom;
  }

  private held(endpointId: string, lane = this.lanes.get(endpointId)): number {
    return (lane ? lane.queue.length + lane.inFlight : 0) + (this.reserved.get(endpointId) ?? 0);
  }
}
