import { Inject, Injectable, Logger } from '@nestjs/common';
import { ulid } from 'ulid';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';
import type { ConnectionRow } from '../connections/connections.repository';
import { maskDestination } from '../mfa/mask-destination.util';
import { SessionEventsPublisher } from './session-events.publisher';

/**
 * Announces `connection.mfa_required` the moment a vendor asks for a code, outside the login's
 * transaction (the login waits for the code; the integrator must hear about it now). A failure to
 * record it is logged and does not stop the login.
 */
@Injectable()
export class MfaRequiredNotifier {
  private readonly logger = new Logger(MfaRequiredNotifier.name);

  constructor(
    @Inject(SESSION_MANAGER_CONFIG) private readonly config: SessionManagerConfig,
    private readonly events: SessionEventsPublisher,
  ) {}

  notify(connection: ConnectionRow, method: 'totp' | 'sms' | 'email'): void {
    void this.events
      .appendNow(connection, 'connection.mfa_required', {
        method,
        challengeId: `mfa_${ulid()}`,
        destinationHint:
          method === 'totp' || connection.mfa_destination === null
            ? null
            : maskDestination(method, connection.mfa_destination),
        expiresAt: new Date(Date.now() + this.config.SESSION_MFA_TIMEOUT).toISOString(),
      })
      .catch((error: unknown) =>
        this.logger.warn(
          { connectionId: connection.id, err: error },
          'could not record connection.mfa_required',
        ),
      );
  }
}
