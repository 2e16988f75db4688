import { Money, parseCanonicalId } from '@fieldsync/canonical-model';
import { canonicalFactory } from './canonical.factory';

describe('canonicalFactory', () => {
  const make = canonicalFactory({ tenantId: 'ten_1', connectionId: 'con_1', vendor: 'jobber' });

  it('builds valid customers with distinct deterministic ids for the connection', () => {
    const a = make.customer();
    const b = make.customer({ displayName: 'Dana Lee' });
    expect(a.id).not.toBe(b.id);
    expect(parseCanonicalId(a.id)?.entity).toBe('customer');
    expect(make.id('customer', a.externalId)).toBe(a.id);
    expect(b).toMatchObject({ displayName: 'Dana Lee', connectionId: 'con_1', vendor: 'jobber' });
  });

  it('builds a job whose totals add up in minor units with tax rounded half-up', () => {
    const job = make.job({ lineItemPrices: [19.99, 0.01], taxRatePercent: 8.25 });
    expect(job.subtotal).toBe(20);
    expect(job.tax).toBe(1.65); // 20.00 × 8.25 % = 1.65 exactly
    const odd = make.job({ lineItemPrices: [10.1], taxRatePercent: 8.25 });
    expect(odd.tax).toBe(0.83); // 0.83325 rounds half-up to 0.83
    expect(odd.total).toBe(10.93);
    expect(
      Money.fromAmount(odd.subtotal ?? 0, 'USD')
        .add(Money.fromAmount(odd.tax ?? 0, 'USD'))
        .toAmount(),
    ).toBe(odd.total);
  });

  it('refuses an override the canonical schema refuses, naming the field', () => {
    expect(() => make.job({ scheduledStart: 'tomorrow' })).toThrow(/scheduledStart/);
  });

  it('builds commands that pass the command schema, with the idempotency key defaulting to the id', () => {
    const cmd = make.command('client.create', { displayName: 'Alex Johnson' });
    expect(cmd).toMatchObject({ type: 'client.create', tenantId: 'ten_1', connectionId: 'con_1' });
    expect(cmd.idempotencyKey).toBe(cmd.commandId);
    expect(() => make.command('client.create', { displayName: 'x', surprise: true } as never)).toThrow(
      /surprise/,
    );
  });
});
