import { MfaRelayError, MfaRelayErrorCode } from './mfa.error';
import { normaliseDestination } from './normalise-destination.util';

describe('normaliseDestination', () => {
  it.each([
    ['+15555550101', '+15555550101'],
    ['+1 (555) 555-0101', '+15555550101'],
    ['tel:+1-555-555-0101', '+15555550101'],
    ['555.555.0101', '+15555550101'],
    ['15555550101', '+15555550101'],
    ['0044 20 7946 0958', '+442079460958'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('writes the phone number %j as %j', (input, expected) => {
    expect(normaliseDestination('sms', input)).toBe(expected);
  });

  it.each([
    ['Olivia.Lee@Greenleaf-HVAC.example', 'olivia.lee@greenleaf-hvac.example'],
    ['  ops@greenleaf-hvac.example ', 'ops@greenleaf-hvac.example'],
    ['Olivia Lee <Olivia@Greenleaf-HVAC.example>', 'olivia@greenleaf-hvac.example'],
    ['mailto:ops@example.com', 'ops@example.com'],
  ])('writes the address %j as %j', (input, expected) => {
    expect(normaliseDestination('email', input)).toBe(expected);
  });

  it.each([
    ['sms', 'call me'],
    ['sms', '12345'],
    ['sms', '+0123456789'],
    ['sms', '+1234567890123456'],
    ['sms', 'olivia@example.com'],
    ['email', '+15555550101'],
    ['email', 'olivia@localhost'],
    ['email', 'olivia lee@example.com'],
  ] as const)('refuses %s destination %j, naming the field and not echoing the value', (channel, value) => {
    try {
      normaliseDestination(channel, value, 'destination');
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(MfaRelayError);
      expect((error as MfaRelayError).code).toBe(MfaRelayErrorCode.InvalidDestination);
      expect((error as MfaRelayError).field).toBe('destination');
      expect((error as MfaRelayError).message).toMatch(/^destination: must be/);
      expect((error as MfaRelayError).message).not.toContain(value);
    }
  });
});
