import {
  createWebhookEndpointSchema,
  listWebhookEndpointsQuerySchema,
  listWebhookMessagesQuerySchema,
  recoverWebhookMessagesSchema,
  rotateWebhookSecretSchema,
  updateWebhookEndpointSchema,
} from './webhook-endpoint-request.schema';
import { generateSecret } from './webhook-secret.util';

/** Each issue as `path: message`, what both apps turn into problem details naming the field. */
const issuesOf = (result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) => (result.error?.issues ?? []).map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`);

describe('webhook endpoint requests (shared by the dispatcher and the api)', () => {
  it('accepts a full create body and keeps its fields', () => {
    const secret = generateSecret(32);
    const body = {
      url: 'https://hooks.example.com/fieldsync',
      description: 'billing',
      eventTypes: ['invoice.paid', 'job.*'],
      vendors: ['servicetitan'],
      connectionIds: ['con_1'],
      rateLimitPerSecond: 20,
      ordered: true,
      disabled: false,
      secret,
    };
    expect(createWebhookEndpointSchema.parse(body)).toEqual(body);
  });

  it('names the field and the item of every refused part, never echoing a secret', () => {
    const result = createWebhookEndpointSchema.safeParse({
      url: 'https://hooks.example.com',
      eventTypes: ['job.created', 'jobs.creatd', 'Job'],
      vendors: ['acme'],
      rateLimitPerSecond: 0,
      secret: 'whsec_short',
      colour: 'red',
    });
    const issues = issuesOf(result);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^eventTypes\.1: "jobs\.creatd" matches no event type/),
        expect.stringMatching(/^eventTypes\.2: "Job" is not an event type/),
        expect.stringMatching(/^vendors\.0: /),
        'rateLimitPerSecond: must be at least 1',
        expect.stringMatching(/^secret: must encode 24 to 64 bytes/),
        expect.stringMatching(/^: Unrecognized key: "colour"/),
      ]),
    );
    expect(issues.join('\n')).not.toContain('whsec_short');
    expect(issuesOf(createWebhookEndpointSchema.safeParse({}))).toEqual([
      'url: is required: the https URL deliveries are POSTed to',
    ]);
  });

  it('takes a patch of some fields and refuses an empty one', () => {
    expect(updateWebhookEndpointSchema.parse({ eventTypes: [] })).toEqual({ eventTypes: [] });
    expect(issuesOf(updateWebhookEndpointSchema.safeParse({}))).toEqual([
      expect.stringMatching(/^: name at least one field to change/),
    ]);
    expect(issuesOf(rotateWebhookSecretSchema.safeParse({ secret: 'not-a-secret' }))).toEqual([
      'secret: must start with whsec_',
    ]);
  });

  it('reads recovery bounds as ISO 8601 timestamps and list limits as whole numbers', () => {
    expect(recoverWebhookMessagesSchema.safeParse({ since: '2026-05-01T00:00:00Z' }).success).toBe(true);
    expect(issuesOf(recoverWebhookMessagesSchema.safeParse({ since: 'yesterday' }))).toEqual([
      'since: must be an ISO 8601 timestamp (2026-05-01T00:00:00Z)',
    ]);
    expect(listWebhookEndpointsQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(listWebhookEndpointsQuerySchema.parse({ limit: '7', after: 'ep_1' })).toEqual({
      limit: 7,
      after: 'ep_1',
    });
    expect(issuesOf(listWebhookMessagesQuerySchema.safeParse({ limit: '251', status: 'lost' }))).toEqual([
      'limit: must be at most 250',
      expect.stringMatching(/^status: /),
    ]);
  });
});
