import { ConnectorRegistry } from '@fieldsync/connector-kit';
import { SERVICETITAN_SESSION_POLICY } from './servicetitan.auth-flow';
import { servicetitanConnector } from './servicetitan.connector';
import { servicetitanReadSide } from './servicetitan.readers';

/* The ServiceTitan plug-in as the registry sees it: a descriptor that the code behind it backs. */

describe('servicetitanConnector', () => {
  it('is accepted by the registry, which then answers for ServiceTitan', () => {
    const registry = new ConnectorRegistry([servicetitanConnector]);
    expect(registry.get('servicetitan')).toBe(servicetitanConnector);
    expect(registry.readersOf('job')).toEqual(['servicetitan']);
    expect(registry.supports('servicetitan', 'payment.record')).toBe(true);
    expect(registry.supports('servicetitan', 'payment.refund')).toBe(false);
  });

  it('declares what it reads, its streams, writes, logins and transport', () => {
    const { descriptor } = servicetitanConnector;
    expect(descriptor.displayName).toBe('ServiceTitan');
    expect([...descriptor.capabilities.reads].sort()).toEqual([
      'appointment',
      'contact',
      'customer',
      'equipment',
      'estimate',
      'invoice',
      'job',
      'location',
      'membership',
      'payment',
      'pricebook_item',
      'technician',
    ]);
    expect(descriptor.capabilities.streams).toEqual(servicetitanReadSide.streams.map((s) => s.stream));
    expect(Object.keys(descriptor.capabilities.writes).sort()).toEqual([
      'client.create',
      'invoice.create',
      'job.create',
      'job.dispatch',
      'job.status.update',
      'payment.record',
      'quote.convert',
      'quote.create',
    ]);
    expect(descriptor.capabilities.writes['payment.record']).not.toContain('tipAmount');
    expect(descriptor.capabilities).toMatchObject({ mfa: ['totp', 'sms'], sso: true, transport: 'rest' });
  });

  it("makes the ServiceTitan login with the vendor's session policy, overrides applied", () => {
    const { authFlows } = servicetitanConnector;
    expect(authFlows.sessionPolicy).toEqual(SERVICETITAN_SESSION_POLICY);
    expect(authFlows.create().sessionPolicy).toEqual(SERVICETITAN_SESSION_POLICY);
    const flow = authFlows.create({ idleMs: 60_000 });
    expect(flow.vendor).toBe('servicetitan');
    expect(flow.sessionPolicy).toEqual({ ...SERVICETITAN_SESSION_POLICY, idleMs: 60_000 });
  });
});
