import type { Clock } from './clock.types';

export interface OutboxMessage {
  id: number;
  channel: 'sms' | 'email';
  /** Phone number (E.164) or email address. */
  to: string;
  userId: string;
  body: string;
  /** The code the message carries (tests read it here instead of parsing the body). */
  code: string | null;
  /** ISO-8601 */
  sentAt: string;
}

/** Where the portal "sends" SMS and email: read through `GET /__sandbox/outbox`. */
export class Outbox {
  private messages: OutboxMessage[] = [];
  private nextId = 1;

  constructor(private readonly clock: Clock) {}

  send(message: Omit<OutboxMessage, 'id' | 'sentAt'>): OutboxMessage {
    const stored = { ...message, id: this.nextId++, sentAt: new Date(this.clock()).toISOString() };
    this.messages.push(stored);
    return stored;
  }

  /** Messages oldest first, optionally only to one recipient and/or sent at or after `since`. */
  list(filter: { to?: string; since?: number } = {}): OutboxMessage[] {
    return this.messages.filter(
      (m) =>
        (filter.to === undefined || m.to === filter.to) &&
        (filter.since === undefined || Date.parse(m.sentAt) >= filter.since),
    );
  }

  clear(): void {
    this.messages = [];
  }
}
