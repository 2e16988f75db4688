import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import type { CapturedSession } from '@fieldsync/connector-kit';
import { capturedSessionSchema } from './captured-session.schema';
import { SessionEnvelopeError, SessionEnvelopeErrorCode } from './session-client.error';
import {
  CONNECTION_ID_RE,
  SERVICE_NAME_RE,
  describeIssues,
  publicKeySchema,
  sessionEnvelopeSchema,
  type SessionEnvelope,
} from './sessions.schema';

/*
 * Sealing a CapturedSession for the one service that asked for it, so that a session's cookies and
 * tokens never cross NATS in clear text (anyone allowed to subscribe to `_INBOX.>` sees the replies).
 * It is ECIES over X25519, with Node's crypto only:
 *
 *   requester   a key pair per process; the public key (raw 32 bytes, base64) travels in each request
 *   sealer      ephemeral X25519 key pair → shared secret = ECDH(ephemeral private, requester public)
 *               key = HKDF-SHA256(shared, salt = ephemeral public,
 *                                 info = "fieldsync.sessions.v1" ␀ connectionId ␀ requester ␀ requester public)
 *               AES-256-GCM, random 96-bit nonce, 128-bit tag,
 *               AAD = "fieldsync.sessions.v1" ␀ connectionId ␀ requester ␀ sessionVersion
 *   envelope    { v: 1, epk, nonce, ciphertext, tag } (base64)
 *
 * A fresh ephemeral key per reply means a fresh AES key per reply, so the random nonce never repeats
 * under one key. The requester's public key is in the HKDF info as in HPKE's key schedule (the context
 * names both ends), and the connection and requester in both the info and the AAD: an envelope opened
 * for another connection, requester or version, with another key, or with one bit changed, fails
 * authentication. The separators are safe because connection ids and service names are validated to
 * `[A-Za-z0-9_-]`. A requester's private key never leaves its process; a restart makes a new one,
 * which is fine because nothing sealed is stored on the requester's side.
 */

export const SESSION_ENVELOPE_VERSION = 1;
export const SESSION_ENVELOPE_LABEL = 'fieldsync.sessions.v1';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** What an envelope is bound to: it opens only with the same three values. */
export interface SessionEnvelopeBinding {
  readonly connectionId: string;
  readonly requester: string;
  readonly sessionVersion: number;
}

function invalid(message: string): SessionEnvelopeError {
  return new SessionEnvelopeError(SessionEnvelopeErrorCode.InvalidInput, message);
}

function checkBinding(binding: SessionEnvelopeBinding): void {
  if (typeof binding.connectionId !== 'string' || !CONNECTION_ID_RE.test(binding.connectionId)) {
    throw invalid('connectionId must be a connection id (A-Z a-z 0-9 _ -, at most 128)');
  }
  if (typeof binding.requester !== 'string' || !SERVICE_NAME_RE.test(binding.requester)) {
    throw invalid(`requester must be a service name (a-z, 0-9, -; starting with a letter)`);
  }
  if (!Number.isSafeInteger(binding.sessionVersion) || binding.sessionVersion < 0) {
    throw invalid('sessionVersion must be a non-negative integer');
  }
}

function rawPublicKey(key: KeyObject): Buffer {
  const { x } = key.export({ format: 'jwk' });
  if (typeof x !== 'string') throw invalid('not an X25519 public key');
  return Buffer.from(x, 'base64url');
}

/** Imports a base64 raw X25519 public key; `field` names it in the error. */
function importPublicKey(base64: string, field: string): KeyObject {
  const parsed = publicKeySchema.safeParse(base64);
  if (!parsed.success) throw invalid(`${field} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  const x = Buffer.from(parsed.data, 'base64').toString('base64url');
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' });
  } catch (cause) {
    throw new SessionEnvelopeError(
      SessionEnvelopeErrorCode.InvalidInput,
      `${field} is not an X25519 public key`,
      { cause },
    );
  }
}

function info(binding: SessionEnvelopeBinding, recipientPublicKey: string): Buffer {
  return Buffer.from(
    [SESSION_ENVELOPE_LABEL, binding.connectionId, binding.requester, recipientPublicKey].join('\0'),
    'utf8',
  );
}

function aad(binding: SessionEnvelopeBinding): Buffer {
  return Buffer.from(
    [SESSION_ENVELOPE_LABEL, binding.connectionId, binding.requester, String(binding.sessionVersion)].join(
      '\0',
    ),
    'utf8',
  );
}

function deriveKey(shared: Buffer, ephemeralPublic: Buffer, context: Buffer): Buffer {
  const key = Buffer.from(hkdfSync('sha256', shared, ephemeralPublic, context, KEY_BYTES));
  shared.fill(0);
  return key;
}

/**
 * Seals `session` for the requester whose public key came with the request. Throws a
 * SessionEnvelopeError naming the field when a key, the binding or the session itself is not usable.
 */
export function sealSession(
  session: CapturedSession,
  recipient: SessionEnvelopeBinding & { readonly publicKey: string },
): SessionEnvelope {
  checkBinding(recipient);
  const recipientKey = importPublicKey(recipient.publicKey, 'publicKey');
  const parsed = capturedSessionSchema.safeParse(session);
  if (!parsed.success) {
    throw new SessionEnvelopeError(
      SessionEnvelopeErrorCode.BadPlaintext,
      `refusing to seal an invalid CapturedSession for connection ${recipient.connectionId}: ${describeIssues(parsed.error)}`,
    );
  }

  const ephemeral = generateKeyPairSync('x25519');
  const epk = rawPublicKey(ephemeral.publicKey);
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipientKey });
  } catch (cause) {
    // OpenSSL refuses low-order points (an all-zero shared secret).
    throw new SessionEnvelopeError(
      SessionEnvelopeErrorCode.InvalidInput,
      'publicKey is not a usable X25519 public key (low order point)',
      { cause },
    );
  }
  const key = deriveKey(shared, epk, info(recipient, recipient.publicKey));
  const nonce = randomBytes(NONCE_BYTES);
  try {
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(recipient));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(parsed.data), 'utf8'), cipher.final()]);
    return {
      v: SESSION_ENVELOPE_VERSION,
      epk: epk.toString('base64'),
      nonce: nonce.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  } finally {
    key.fill(0);
  }
}

/**
 * The requester's X25519 key pair: one per process (`SessionKeyPair.generate()`), its public key sent
 * with every acquire, its private key never exported.
 */
export class SessionKeyPair {
  readonly #privateKey: KeyObject;
  /** Raw 32-byte public key, standard base64: the `publicKey` of an acquire request. */
  readonly publicKey: string;

  private constructor(privateKey: KeyObject, publicKey: string) {
    this.#privateKey = privateKey;
    this.publicKey = publicKey;
  }

  static generate(): SessionKeyPair {
    const { privateKey, publicKey } = generateKeyPairSync('x25519');
    return new SessionKeyPair(privateKey, rawPublicKey(publicKey).toString('base64'));
  }

  /**
   * Opens an envelope sealed for this key pair and `binding`, and validates the CapturedSession in
   * it. Throws a SessionEnvelopeError (never carrying plaintext) when the envelope is malformed or
   * does not authenticate.
   */
  open(envelope: unknown, binding: SessionEnvelopeBinding): CapturedSession {
    checkBinding(binding);
    const what = `session envelope for connection ${binding.connectionId} (requester ${binding.requester}, version ${binding.sessionVersion})`;
    const parsed = sessionEnvelopeSchema.safeParse(envelope);
    if (!parsed.success) {
      throw new SessionEnvelopeError(
        SessionEnvelopeErrorCode.Malformed,
        `${what} is malformed: ${describeIssues(parsed.error)}`,
      );
    }
    const env = parsed.data;
    const epk = Buffer.from(env.epk, 'base64');
    const unauthenticated = (cause?: unknown): SessionEnvelopeError =>
      new SessionEnvelopeError(
        SessionEnvelopeErrorCode.Unauthenticated,
        `${what} did not authenticate: it was tampered with, or sealed for another connection, requester, session version or key`,
        { cause },
      );

    let shared: Buffer;
    try {
      const ephemeralKey = createPublicKey({
        key: { kty: 'OKP', crv: 'X25519', x: epk.toString('base64url') },
        format: 'jwk',
      });
      shared = diffieHellman({ privateKey: this.#privateKey, publicKey: ephemeralKey });
    } catch (cause) {
      throw unauthenticated(cause);
    }
    const key = deriveKey(shared, epk, info(binding, this.publicKey));
    let plaintext: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(env.nonce, 'base64'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(aad(binding));
      decipher.setAuthTag(Buffer.from(env.tag, 'base64'));
      plaintext = Buffer.concat([
        decipher.update(Buffer.from(env.ciphertext, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    } catch (cause) {
      throw unauthenticated(cause);
    } finally {
      key.fill(0);
    }

    let json: unknown;
    try {
      json = JSON.parse(plaintext);
    } catch {
      // No cause: JSON.parse's message quotes the text around the error, i.e. the plaintext.
      throw new SessionEnvelopeError(SessionEnvelopeErrorCode.BadPlaintext, `${what} does not hold JSON`);
    }
    const session = capturedSessionSchema.safeParse(json);
    if (!session.success) {
      throw new SessionEnvelopeError(
        SessionEnvelopeErrorCode.BadPlaintext,
        `${what} does not hold a CapturedSession: ${describeIssues(session.error)}`,
      );
    }
    return session.data;
  }

  /** Never prints key material (`console.log`, pino, util.inspect). */
  toJSON(): { publicKey: string } {
    return { publicKey: this.publicKey };
  }
}
