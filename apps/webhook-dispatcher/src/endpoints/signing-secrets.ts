import { createSecretKey, type KeyObject } from 'node:crypto';
import type { SealedSecret, Vault } from '@fieldsync/vault';
import { Inject, Injectable } from '@nestjs/common';
import { SIGNING_VAULT } from '../delivery/delivery.constants';
import { secretKey } from '@fieldsync/canonical-model';
import { signingSecretContext } from './signing-secrets.reseal';

/** Endpoint signing secrets, sealed with the vault under the endpoint's own context. */
@Injectable()
export class SigningSecrets {
  constructor(@Inject(SIGNING_VAULT) private readonly vault: Vault) {}

  private static context(endpointId: string): string {
    return signingSecretContext(endpointId);
  }

  seal(endpointId: string, secret: string): SealedSecret {
    return this.vault.seal(secret, SigningSecrets.context(endpointId));
  }

  open(endpointId: string, sealed: SealedSecret): string {
    return this.vault.openString(sealed, SigningSecrets.context(endpointId));
  }

  /** The HMAC keys of the given sealed secrets, as KeyObjects (imported once, used for every signature). */
  keys(endpointId: string, sealed: readonly SealedSecret[]): KeyObject[] {
    return sealed.map((s) => createSecretKey(secretKey(this.open(endpointId, s))));
  }
}
