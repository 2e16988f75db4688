import { maskDestination } from './mask-destination.util';

describe('maskDestination', () => {
  it('keeps the last four digits of a phone number', () => {
    expect(maskDestination('sms', '+15555550101')).toBe('•••-•••-0101');
    expect(maskDestination('sms', '+44 20 7946 0958')).toBe('•••-•••-0958');
  });

  it('keeps the first letter and the domain of an address', () => {
    expect(maskDestination('email', 'olivia@greenleaf-hvac.example')).toBe('o•••@greenleaf-hvac.example');
    expect(maskDestination('email', 'Olivia@Greenleaf-HVAC.example')).toBe('o•••@greenleaf-hvac.example');
  });

  it('hides whatever is neither, entirely', () => {
    expect(maskDestination('sms', '0101')).toBe('•••');
    expect(maskDestination('email', 'no-at-sign')).toBe('•••');
    expect(maskDestination('email', '@example.com')).toBe('•••');
  });
});
