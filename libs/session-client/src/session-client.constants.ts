/** Injection token of the service's SessionClient (`@Inject(SESSION_CLIENT) sessions: SessionClient`). */
export const SESSION_CLIENT = Symbol('SESSION_CLIENT');
