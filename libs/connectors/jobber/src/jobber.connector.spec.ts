import { commandTypeSchema } from '@fieldsync/canonical-model';
import { ConnectorRegistry, uncarriedFields } from '@fieldsync/connector-kit';
import { jobberConnector } from './jobber.connector';

describe('jobberConnector', () => {
  it('is accepted by the registry: its descriptor is what its code does', () => {
    const registry = new ConnectorRegistry([jobberConnector]);
    expect(registry.get('jobber')).toBe(jobberConnector);
    expect(registry.supports('jobber', 'job.dispatch')).toBe(true);
    expect(registry.supports('jobber', 'payment.refund')).toBe(false);
  });

  it('declares every command it writes, and only those', () => {
    const declared = Object.keys(jobberConnector.descriptor.capabilities.writes).sort();
    expect(declared).toEqual(Object.keys(jobberConnector.writeSide.writes).sort());
    for (const type of declared) expect(commandTypeSchema.safeParse(type).success).toBe(true);
  });

  it('applies session-timeout overrides to the flow it creates', () => {
    const flow = jobberConnector.authFlows.create({ idleMs: 60_000 });
    expect(flow.vendor).toBe('jobber');
    expect(flow.sessionPolicy).toEqual({ ...jobberConnector.authFlows.sessionPolicy, idleMs: 60_000 });
  });

  it('refuses, by name, payload fields Jobber does not take', () => {
    const carries = jobberConnector.descriptor.capabilities.writes['client.create'] ?? [];
    expect(
      uncarriedFields(carries, {
        displayName: 'Wren Castellano',
        primaryContact: { name: 'Wren Castellano', email: 'wren@example.com' },
        customFields: { gate: '4411' },
        marketingOptIn: true,
        locations: [{ name: 'Home', address: { line1: '1 Main' } }],
      }),
    ).toEqual(['payload.customFields', 'payload.marketingOptIn', 'payload.locations[0].name']);
  });
});
