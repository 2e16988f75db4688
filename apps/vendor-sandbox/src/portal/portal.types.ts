import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Csrf } from './csrf.util';
import type { FaultSwitch } from './fault-switch';
import type { LoginCounters } from './login-counters';
import type { RequestCounters } from './request-counters';
import type { LoginLockout } from './login-lockout';
import type { OneTimeCodes } from './one-time-codes';
import type { Outbox } from './outbox';
import type { PortalSession, SessionStore, SessionTimeouts } from './session.store';
import type { World } from '@fieldsync/sandbox-world';
import type { SandboxWorldHost } from '../world-host/sandbox-world.host';
import type { VendorId } from './vendor-ids.constants';
import type { Clock } from './clock.types';

export type MfaMethod = 'none' | 'totp' | 'sms' | 'email';

/** One fixed test user of a portal (its password is documented in the README; tests and dev only). */
export interface TestUserSpec {
  /** Stable id used in sessions, counters and the outbox. */
  id: string;
  /** What the login form takes: a user name (ServiceTitan) or an email (Jobber). */
  username: string;
  password: string;
  displayName: string;
  role: string;
  mfa: MfaMethod;
  /** Where SMS codes go (E.164). */
  phone?: string;
  /** Where email codes go. */
  email?: string;
  /** RFC 4648 base32 TOTP secret (readable from `GET /__sandbox/users`). */
  totpSecret?: string;
  /** Logs in through the simulated identity provider instead of a password. */
  sso?: boolean;
}

/** A test user with its password replaced by a scrypt hash (what the portal keeps at runtime). */
export interface PortalUser extends Omit<TestUserSpec, 'password'> {
  passwordHash: string;
}

export interface LockoutPolicy {
  /** Consecutive failures (wrong password or wrong code) that lock the account. */
  maxFailures: number;
}

/** What a login flow and a data module get from the framework. */
export interface PortalKit {
  readonly vendor: VendorId;
  readonly name: string;
  /** The one business every portal renders; read `kit.world.world` per request (a reset replaces it). */
  readonly world: SandboxWorldHost;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly users: PortalUsers;
  readonly sessions: SessionStore;
  readonly csrf: Csrf;
  readonly lockout: LoginLockout;
  readonly codes: OneTimeCodes;
  readonly outbox: Outbox;
  readonly counters: LoginCounters;
  /** The requests behind the session, by outcome (`GET /__sandbox/requests`). */
  readonly requests: RequestCounters;
  readonly faults: FaultSwitch;
  /** Where an unauthenticated page load is sent. */
  readonly loginPath: string;
  /** The logged-in landing page. */
  readonly homePath: string;
  /** HMAC key of this process (signatures the flow needs: IdP assertions, device tokens). */
  readonly signingKey: Buffer;
  /** Creates the session and sets its cookie (after every step of the login succeeded). */
  startSession(reply: FastifyReply, user: PortalUser): PortalSession;
  /** Sets a cookie with the portal's defaults: HttpOnly, SameSite=Lax, Path=/ (maxAge in seconds). */
  setCookie(reply: FastifyReply, name: string, value: string, maxAgeSeconds?: number): void;
  clearCookie(reply: FastifyReply, name: string): void;
  /** Reads a cookie of the request. */
  cookie(request: FastifyRequest, name: string): string | undefined;
  /** Registers a hook run by `POST /__sandbox/reset` (a flow's own state: MFA challenges, devices). */
  onReset(hook: () => void): void;
}

export interface PortalUsers {
  all(): readonly PortalUser[];
  byId(id: string): PortalUser | undefined;
  /** Case-insensitive look-up by what the login form takes. */
  byUsername(username: string): PortalUser | undefined;
  /** Constant-time scrypt comparison; an unknown user costs the same as a known one. */
  verifyPassword(user: PortalUser | undefined, password: string): Promise<boolean>;
}

/** A vendor's login: its pages and the routes behind them, mounted on the portal's Fastify instance. */
export interface LoginFlow {
  /** The login page (GET) — unauthenticated page loads redirect here. */
  path: string;
  mount(app: FastifyInstance, kit: PortalKit): void;
}

/**
 * One vendor portal. Add a vendor: write its definition (id, port, users, login flow, data routes) in
 * `vendors/<vendor>/` and list it in `createPortals` (portal.registry.ts); the framework gives it a
 * port, sessions, CSRF, lockout, the outbox, faults and the control API.
 */
export interface VendorPortal {
  id: VendorId;
  /** Display name (page titles, logs). */
  name: string;
  defaultPort: number;
  /** Cookie names are prefixed with it so portals on one host do not collide (cookies ignore ports). */
  cookiePrefix: string;
  sessionTimeouts: SessionTimeouts;
  lockout: LockoutPolicy;
  users: readonly TestUserSpec[];
  login: LoginFlow;
  /** The logged-in landing page (served by the framework; the vendor may add more pages). */
  homePath: string;
  /**
   * Data routes that need a valid session, mounted inside the authenticated scope: the session is
   * checked (idle and absolute timeouts) before each, state-changing methods need `X-CSRF-Token`,
   * and the API faults (429, 5xx, latency, drift) apply. `request.portalSession` is set.
   */
  mountData?(scope: FastifyInstance, kit: PortalKit): void;
  groundTruth?: GroundTruth;
  /**
   * The vendor account the portal's users work in, reported by `/api/whoami` as `tenant` (ServiceTitan's
   * tenant id, which every API path carries, is learnt this way after a login).
   */
  account?: { id: string; name: string };
}

/**
 * The vendor's rendering of the world for verification (`GET /__sandbox/world/export/:entity`): every
 * record of an entity as the vendor holds it, inactive and deleted ones included. Without it the export
 * is the vendor-neutral record.
 */
export interface GroundTruth {
  readonly entities: readonly string[];
  export(world: World, entity: string): readonly unknown[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The valid session of the request (set inside the authenticated scope). */
    portalSession: PortalSession | null;
  }
}
