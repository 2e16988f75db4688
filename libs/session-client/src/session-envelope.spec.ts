import {
  createCipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { inspect } from 'node:util';
import {
  SECRET_BEARER,
  SECRET_COOKIE_VALUE,
  capturedSessionFixture,
} from './__fixtures__/captured-session.fixture';
import { SessionEnvelopeError, SessionEnvelopeErrorCode } from './session-client.error';
import {
  SESSION_ENVELOPE_LABEL,
  SessionKeyPair,
  sealSession,
  type SessionEnvelopeBinding,
} from './session-envelope';
import type { SessionEnvelope } from './sessions.schema';

const binding: SessionEnvelopeBinding = { connectionId: 'con_x', requester: 'extractor', sessionVersion: 3 };

function thrown(fn: () => unknown): SessionEnvelopeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SessionEnvelopeError) return error;
    throw error;
  }
  throw new Error('expected a SessionEnvelopeError, nothing was thrown');
}

/** Flips one bit of a base64 field. */
function flip(value: string, byte = 0): string {
  const bytes = Buffer.from(value, 'base64');
  bytes[byte] = (bytes[byte] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

function expectNoSecret(error: Error): void {
  const text = `${error.message} ${inspect(error)}`;
  expect(text).not.toContain(SECRET_COOKIE_VALUE);
  expect(text).not.toContain(SECRET_BEARER);
}

describe('session envelope (X25519 + HKDF-SHA256 + AES-256-GCM)', () => {
  const requester = SessionKeyPair.generate();
  const session = capturedSessionFixture();
  const seal = (b: SessionEnvelopeBinding = binding): SessionEnvelope =>
    sealSession(session, { ...b, publicKey: requester.publicKey });

  it('opens, for the requester it was sealed for, to the same CapturedSession', () => {
    const envelope = seal();
    expect(envelope).toEqual({
      v: 1,
      epk: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) as unknown,
      nonce: expect.stringMatching(/^[A-Za-z0-9+/]{16}$/) as unknown,
      ciphertext: expect.any(String) as unknown,
      tag: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/) as unknown,
    });
    expect(requester.open(envelope, binding)).toEqual(session);
  });

  it('never carries the session in clear text, and never seals twice alike', () => {
    const a = seal();
    const b = seal();
    const wire = JSON.stringify(a);
    expect(wire).not.toContain(SECRET_COOKIE_VALUE);
    expect(wire).not.toContain(Buffer.from(SECRET_COOKIE_VALUE).toString('base64').slice(0, 12));
    expect(a.epk).not.toBe(b.epk);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it.each([
    ['ciphertext', (e: SessionEnvelope) => ({ ...e, ciphertext: flip(e.ciphertext, 5) })],
    ['tag', (e: SessionEnvelope) => ({ ...e, tag: flip(e.tag) })],
    ['nonce', (e: SessionEnvelope) => ({ ...e, nonce: flip(e.nonce) })],
    ['epk', (e: SessionEnvelope) => ({ ...e, epk: flip(e.epk, 7) })],
    [
      'truncated ciphertext',
      (e: SessionEnvelope) => ({
        ...e,
        ciphertext: Buffer.from(e.ciphertext, 'base64').subarray(1).toString('base64'),
      }),
    ],
  ])('rejects a tampered %s as unauthenticated, without the plaintext in the error', (_, tamper) => {
    const error = thrown(() => requester.open(tamper(seal()), binding));
    expect(error.code).toBe(SessionEnvelopeErrorCode.Unauthenticated);
    expect(error.message).toMatch(/con_x.*did not authenticate/);
    expectNoSecret(error);
  });

  it.each([
    ['another connection', { ...binding, connectionId: 'con_y' }],
    ['another requester', { ...binding, requester: 'writer' }],
    ['another session version', { ...binding, sessionVersion: 4 }],
  ])('does not open for %s', (_, other) => {
    const error = thrown(() => requester.open(seal(), other));
    expect(error.code).toBe(SessionEnvelopeErrorCode.Unauthenticated);
    expectNoSecret(error);
  });

  it('does not open with another key pair (another process, another service)', () => {
    const error = thrown(() => SessionKeyPair.generate().open(seal(), binding));
    expect(error.code).toBe(SessionEnvelopeErrorCode.Unauthenticated);
  });

  it.each([
    [
      'a missing field',
      (e: SessionEnvelope) => ({ v: e.v, epk: e.epk, nonce: e.nonce, tag: e.tag }),
      /ciphertext/,
    ],
    ['another version', (e: SessionEnvelope) => ({ ...e, v: 2 }), /v: must be 1/],
    [
      'a short nonce',
      (e: SessionEnvelope) => ({ ...e, nonce: randomBytes(8).toString('base64') }),
      /nonce: must be base64 of exactly 12 bytes/,
    ],
    [
      'an epk that is not base64',
      (e: SessionEnvelope) => ({ ...e, epk: `${e.epk.slice(0, -2)}!=` }),
      /epk: must be base64/,
    ],
    ['an unknown field', (e: SessionEnvelope) => ({ ...e, plaintext: 'x' }), /plaintext/],
    ['not an object', () => 'sealed', /\(root\)/],
  ])('rejects an envelope with %s as malformed, naming the field', (_, mangle, field) => {
    const error = thrown(() => requester.open(mangle(seal()), binding));
    expect(error.code).toBe(SessionEnvelopeErrorCode.Malformed);
    expect(error.message).toMatch(field);
  });

  it('rejects an unusable recipient key when sealing, naming publicKey', () => {
    const short = thrown(() =>
      sealSession(session, { ...binding, publicKey: randomBytes(31).toString('base64') }),
    );
    expect(short.code).toBe(SessionEnvelopeErrorCode.InvalidInput);
    expect(short.message).toMatch(/^publicKey must be base64 of exactly 32 bytes/);
    const lowOrder = thrown(() =>
      sealSession(session, { ...binding, publicKey: Buffer.alloc(32).toString('base64') }),
    );
    expect(lowOrder.code).toBe(SessionEnvelopeErrorCode.InvalidInput);
    expect(lowOrder.message).toMatch(/publicKey is not a usable X25519 public key/);
  });

  it('rejects a binding that could be confused with another one', () => {
    const pk = requester.publicKey;
    expect(
      thrown(() => sealSession(session, { ...binding, connectionId: 'con_x\0writer', publicKey: pk }))
        .message,
    ).toMatch(/^connectionId must be/);
    expect(
      thrown(() => sealSession(session, { ...binding, requester: 'Extractor', publicKey: pk })).message,
    ).toMatch(/^requester must be/);
    expect(
      thrown(() => sealSession(session, { ...binding, sessionVersion: 1.5, publicKey: pk })).message,
    ).toMatch(/^sessionVersion must be/);
  });

  it('refuses to seal something that is not a CapturedSession, naming the fields, not the values', () => {
    const broken = { ...session, cookies: [{ ...session.cookies[0], sameSite: 'Sometimes' }], portalUrl: 42 };
    const error = thrown(() =>
      sealSession(broken as unknown as typeof session, { ...binding, publicKey: requester.publicKey }),
    );
    expect(error.code).toBe(SessionEnvelopeErrorCode.BadPlaintext);
    expect(error.message).toMatch(/portalUrl/);
    expect(error.message).toMatch(/cookies\.0\.sameSite/);
    expectNoSecret(error);
  });

  it('follows the documented construction (an independent sealer opens with SessionKeyPair)', () => {
    // Seal by hand, exactly as the comment in session-envelope.ts describes it.
    const eph = generateKeyPairSync('x25519');
    const epk = Buffer.from(eph.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const recipient = createPublicKey({
      key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(requester.publicKey, 'base64').toString('base64url') },
      format: 'jwk',
    });
    const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: recipient });
    const info = [SESSION_ENVELOPE_LABEL, 'con_x', 'extractor', requester.publicKey].join('\0');
    const key = Buffer.from(hkdfSync('sha256', shared, epk, info, 32));
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from([SESSION_ENVELOPE_LABEL, 'con_x', 'extractor', '3'].join('\0')));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(session)), cipher.final()]);
    const envelope = {
      v: 1,
      epk: epk.toString('base64'),
      nonce: nonce.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
    expect(requester.open(envelope, binding)).toEqual(session);
  });

  it('prints only the public key of a key pair', () => {
    expect(JSON.parse(JSON.stringify(requester))).toEqual({ publicKey: requester.publicKey });
    expect(Buffer.from(requester.publicKey, 'base64')).toHaveLength(32);
  });
});
