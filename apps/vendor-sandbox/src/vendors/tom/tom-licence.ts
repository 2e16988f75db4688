import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CONTROL_PREFIX } from '../../portal/portal.constants';
import type { PortalKit } from '../../portal/portal.types';

/** Concurrent connections a sandbox company file is licensed for, until a test sets another number. */
export const TOM_DEFAULT_SEATS = 5;

const seatsSchema = z.object({ seats: z.number().int().min(1).max(1_000) }).strict();

/**
 * TOM's concurrent-connection licence: the company file allows `seats` signed-in sessions at once
 * (every user together); a login past them gets the licence error page until one signs out or times
 * out. Control: `GET /__sandbox/licence` (seats, in use), `POST /__sandbox/licence {seats}`; a reset
 * restores the default.
 */
export class TomLicence {
  private seats = TOM_DEFAULT_SEATS;

  constructor(private readonly kit: PortalKit) {
    kit.onReset(() => {
      this.seats = TOM_DEFAULT_SEATS;
    });
  }

  inUse(): number {
    return Object.values(this.kit.sessions.activeByUser()).reduce((sum, n) => sum + n, 0);
  }

  /** True when one more session would exceed the licence. */
  full(): boolean {
    return this.inUse() >= this.seats;
  }

  mountControl(app: FastifyInstance): void {
    app.get(`${CONTROL_PREFIX}/licence`, async () => ({ seats: this.seats, inUse: this.inUse() }));
    app.post(`${CONTROL_PREFIX}/licence`, async (request, reply) => {
      const parsed = seatsSchema.safeParse(request.body);
      if (!parsed.success)
        return reply.code(400).send({ error: 'invalid_request', message: parsed.error.message });
      this.seats = parsed.data.seats;
      this.kit.logger.info({ seats: this.seats }, 'licence seats set');
      return { seats: this.seats, inUse: this.inUse() };
    });
  }
}
