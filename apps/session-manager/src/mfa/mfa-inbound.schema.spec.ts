import { describeIssues, inboundJsonMessageSchema, twilioSmsWebhookSchema } from './mfa-inbound.schema';

function issuesOf(result: { success: boolean; error?: unknown }): { path: string; message: string }[] {
  if (result.success) throw new Error('expected a rejection');
  return describeIssues(result.error as Parameters<typeof describeIssues>[0]).issues;
}

describe('inboundJsonMessageSchema', () => {
  it('accepts a message and normalises its destination', () => {
    const parsed = inboundJsonMessageSchema.parse({
      channel: 'sms',
      to: '+1 (555) 555-0101',
      from: '+15550000000',
      body: 'Your Jobber verification code is 123456',
      receivedAt: '2026-11-21T10:00:00Z',
      messageId: 'abc',
    });
    expect(parsed).toEqual({
      channel: 'sms',
      to: '+15555550101',
      from: '+15550000000',
      body: 'Your Jobber verification code is 123456',
      receivedAt: new Date('2026-11-21T10:00:00Z'),
      externalId: 'sms:abc',
    });
    expect(
      inboundJsonMessageSchema.parse({ channel: 'email', to: 'Ops@X.example', body: 'code 1234' }),
    ).toEqual({ channel: 'email', to: 'ops@x.example', body: 'code 1234' });
  });

  it('names every field at fault, without quoting the values', () => {
    const issues = issuesOf(
      inboundJsonMessageSchema.safeParse({ channel: 'fax', body: '', receivedAt: 'yesterday', extra: 1 }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual(['(body)', 'body', 'channel', 'receivedAt', 'to']);
    expect(JSON.stringify(issues)).not.toContain('yesterday');
  });

  it('names `to` when it is no phone number for an SMS or no address for an email', () => {
    expect(
      issuesOf(inboundJsonMessageSchema.safeParse({ channel: 'sms', to: 'ops@x.example', body: '123456' })),
    ).toEqual([{ path: 'to', message: 'must be a phone number in E.164 form such as +15555550101' }]);
    expect(
      issuesOf(inboundJsonMessageSchema.safeParse({ channel: 'email', to: '+15555550101', body: '123456' })),
    ).toEqual([{ path: 'to', message: 'must be an email address' }]);
  });

  it('refuses what is not an object', () => {
    expect(issuesOf(inboundJsonMessageSchema.safeParse('123456'))[0]?.path).toBe('(body)');
  });
});

describe('twilioSmsWebhookSchema', () => {
  it("reads Twilio's fields and ignores the others", () => {
    expect(
      twilioSmsWebhookSchema.parse({
        ToCountry: 'US',
        To: '+15555550101',
        From: '+15550000000',
        Body: 'ServiceTitan: 123456 is your verification code.',
        MessageSid: 'SM0123456789abcdef0123456789abcdef',
        AccountSid: 'AC0123',
        NumMedia: '0',
      }),
    ).toEqual({
      channel: 'sms',
      to: '+15555550101',
      from: '+15550000000',
      body: 'ServiceTitan: 123456 is your verification code.',
      externalId: 'twilio:SM0123456789abcdef0123456789abcdef',
    });
  });

  it('names To and Body when they are missing or unusable', () => {
    expect(issuesOf(twilioSmsWebhookSchema.safeParse({ From: '+15550000000' })).map((i) => i.path)).toEqual([
      'To',
      'Body',
    ]);
    expect(issuesOf(twilioSmsWebhookSchema.safeParse({ To: 'nobody', Body: '123456' }))).toEqual([
      { path: 'To', message: 'must be a phone number in E.164 form such as +15555550101' },
    ]);
  });
});
