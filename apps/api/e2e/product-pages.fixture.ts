/**
 * The product pages' example requests that read data (`../shared/reference/seeds/`, copied here so the
 * test runs from a clone): the request and the first item of the example response. The api's answer to
 * the same request over the demo data must have every one of these fields with the same JSON type.
 */
export interface ProductPageExample {
  readonly page: string;
  readonly request: string;
  readonly exampleItem: Record<string, unknown>;
}

export const PRODUCT_PAGE_EXAMPLES: readonly ProductPageExample[] = [
  {
    page: 'Workiz API (seed 002): GET /jobs',
    request: '/jobs?status=scheduled&fromDate=2026-02-01&toDate=2026-02-01&page=1&pageSize=50',
    exampleItem: {
      jobId: 'job_92af31',
      number: 'J-2026-00314',
      title: 'Water heater replacement',
      status: 'scheduled',
      scheduledStart: '2026-02-01T15:00:00Z',
      scheduledEnd: '2026-02-01T17:00:00Z',
      serviceAddress: {
        line1: '1427 Maple St',
        city: 'San Diego',
        region: 'CA',
        postalCode: '92103',
        country: 'US',
      },
      client: {
        id: 'cl_44bb20',
        name: 'Alex Johnson',
        phones: ['+16195551234'],
        emails: ['alex@example.com'],
      },
      assignedTechnicians: [{ userId: 'tech_71d901', name: 'Sam T.' }],
      priceSummary: { subtotal: 1299.0, tax: 104.0, total: 1403.0, amountCollected: 0.0 },
      tags: ['water-heater', 'residential'],
      updatedAt: '2026-01-24T10:45:00Z',
    },
  },
  {
    page: 'Jobber API (seed 003): GET /clients',
    request:
      '/clients?tag=vip&city=San%20Diego&region=CA&updatedFrom=2026-01-01T00:00:00Z&page=1&pageSize=50',
    exampleItem: {
      clientId: 'cl_1f92a0',
      displayName: 'Brittany Lee',
      organizationName: null,
      emails: ['brittany@example.com'],
      phones: [{ type: 'mobile', number: '+1-404-555-0198' }],
      defaultPropertyId: 'prp_88b32e',
      billingAddress: {
        line1: '500 Eastside Blvd',
        city: 'Atlanta',
        region: 'GA',
        postalCode: '30312',
        country: 'US',
      },
      properties: [
        {
          propertyId: 'prp_88b32e',
          label: 'Home',
          address: {
            line1: '500 Eastside Blvd',
            city: 'Atlanta',
            region: 'GA',
            postalCode: '30312',
            country: 'US',
          },
          geocode: { lat: 33.748995, lon: -84.387982 },
        },
      ],
      tags: ['recurring', 'vip'],
      updatedAt: '2026-01-20T13:45:00Z',
    },
  },
  {
    page: 'Jobber API (seed 003): GET /jobs',
    request:
      '/jobs?status=scheduled&scheduledFrom=2026-02-01&scheduledTo=2026-02-28&updatedTo=2030-01-01T00:00:00Z&page=1&pageSize=50',
    exampleItem: {
      jobId: 'job_67c21a',
      jobNumber: 'JB-2026-00128',
      title: 'Quarterly HVAC Maintenance',
      clientId: 'cl_1f92a0',
      propertyId: 'prp_88b32e',
      status: 'scheduled',
      schedule: { startDate: '2026-02-01', endDate: null },
      visits: [
        {
          visitId: 'vis_90e412',
          date: '2026-02-01',
          startTime: '09:00',
          endTime: '10:30',
          assignedToUserIds: ['u_45af1d', 'u_92b711'],
          status: 'scheduled',
        },
      ],
      notes: 'Bring MERV-13 filters',
      updatedAt: '2026-01-21T10:03:11Z',
    },
  },
];

type Kind = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean';
const kindOf = (value: unknown): Kind =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : (typeof value as Kind);

/**
 * Where `actual` differs in shape from `example`: a field missing, or of another JSON type. A `null` in
 * the example accepts any type (the page shows an absent value); arrays compare their first elements.
 */
export function shapeDifferences(example: unknown, actual: unknown, path = '$'): string[] {
  const expected = kindOf(example);
  if (expected === 'null') return [];
  const got = kindOf(actual);
  if (expected !== got) return [`${path}: expected ${expected}, got ${got}`];
  if (expected === 'array') {
    const [first] = example as unknown[];
    const [firstActual] = actual as unknown[];
    if (first === undefined) return [];
    if (firstActual === undefined) return [`${path}: expected a non-empty array`];
    return shapeDifferences(first, firstActual, `${path}[0]`);
  }
  if (expected === 'object') {
    return Object.entries(example as Record<string, unknown>).flatMap(([key, value]) =>
      key in (actual as Record<string, unknown>)
        ? shapeDifferences(value, (actual as Record<string, unknown>)[key], `${path}.${key}`)
        : [`${path}.${key}: missing`],
    );
  }
  return [];
}

/**
 * The product pages' example requests that write (`../shared/reference/seeds/`: every one with a body and
 * an example response), verbatim but for what the demo data cannot share with the page: its ids (swapped
 * for the run's by `ids`), credentials and one-time codes, and the e-mail addresses the saved pages show
 * obfuscated (`[email protected]`). `refused` names the fields of the page's body the demo connection's
 * vendor (ServiceTitan) or the api cannot carry: the test checks that the body is refused naming them
 * (400 by the api, 422 by the vendor's writer, which names the first), then sends it without them.
 */
export interface ProductPageWriteExample {
  readonly page: string;
  readonly method: 'POST' | 'PATCH';
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly exampleResponse: Record<string, unknown>;
  /** Field (`body.attachments`, `body.lineItems[].taxCode`) → why it cannot be carried. */
  readonly refused?: Readonly<Record<string, string>>;
  /**
   * Fields of the example response the api does not give, each with the reason: the test expects exactly
   * these differences, so it fails when one is closed (drop it here) or a new one opens.
   */
  readonly knownGaps?: Readonly<Record<string, string>>;
}

const pageSession = {
  authToken: 'eyJhbGciOi...',
  expiresIn: 3600,
  user: {
    id: 'u_0f2a1b',
    name: 'Dispatch Lead',
    entitlements: ['clients', 'jobs', 'scheduling', 'invoices', 'payments'],
  },
};

export const PRODUCT_PAGE_WRITE_EXAMPLES: readonly ProductPageWriteExample[] = [
  {
    page: 'Workiz API (seed 002): POST /sessions',
    method: 'POST',
    path: '/sessions',
    // the page's integration id is the connection (`connectionId`); credentials are the demo login's
    body: {
      connectionId: '{connectionId}',
      username: '{username}',
      password: '{password}',
      mfa: { type: 'totp', code: '{totp}' },
    },
    exampleResponse: pageSession,
  },
  {
    page: 'Jobber API (seed 003): POST /sessions/refresh (the page shows no body: the token as Bearer)',
    method: 'POST',
    path: '/sessions/refresh',
    body: {},
    exampleResponse: pageSession,
  },
  {
    page: 'Jobber API (seed 003): POST /clients',
    method: 'POST',
    path: '/clients',
    body: {
      displayName: 'Eastside Pediatrics {stamp}',
      organizationName: 'Eastside Pediatrics',
      primaryContact: {
        name: 'Dr. Alex Kim',
        email: 'alex.kim.{stamp}@example.com',
        phone: '+1-770-555-0134',
      },
      billingAddress: {
        line1: '1120 Medical Park Dr',
        city: 'Atlanta',
        region: 'GA',
        postalCode: '30312',
        country: 'US',
      },
      properties: [
        {
          label: 'Clinic',
          address: {
            line1: '1120 Medical Park Dr',
            city: 'Atlanta',
            region: 'GA',
            postalCode: '30312',
            country: 'US',
          },
        },
      ],
      tags: ['commercial', 'priority'],
      marketingOptIn: true,
    },
    refused: {
      'body.organizationName':
        'ServiceTitan’s client.create does not carry a company name (payload.companyName)',
      'body.tags': 'ServiceTitan’s client.create does not carry tags (payload.tags)',
    },
    exampleResponse: {
      clientId: 'cl_51af80',
      status: 'created',
      defaultPropertyId: 'prp_3aa91d',
      createdAt: '2026-01-21T11:20:44Z',
    },
  },
  {
    page: 'Workiz API (seed 002): POST /jobs',
    method: 'POST',
    path: '/jobs',
    body: {
      clientId: '{clientId}',
      // the page's address is its client's: here the client's property (the page's POST /clients above)
      serviceAddress: '{serviceAddress}',
      title: 'Water heater replacement',
      description: 'Replace 50-gal unit. Dispose old tank.',
      scheduledStart: '{scheduledStart}',
      durationMinutes: 120,
      assignedTechnicianIds: ['{technicianId}'],
      // a job type of the page's tenant: here the demo tenant's for the same work
      jobType: '{jobType}',
      source: 'website',
      lineItems: [
        {
          itemId: 'svc_WHTR50',
          description: '50-gal water heater',
          quantity: 1,
          unitPrice: 999.0,
          taxCode: 'TAX',
        },
        { itemId: 'svc_LABOR_STD', description: 'Labor', quantity: 2, unitPrice: 150.0, taxCode: 'NTX' },
      ],
      customFields: { parking_instructions: 'Use driveway' },
    },
    refused: {
      'body.lineItems':
        'ServiceTitan’s job.create does not carry lines (payload.lineItems, nor the currency the api adds to them)',
      'body.customFields': 'ServiceTitan’s job.create does not carry custom fields (payload.customFields)',
    },
    exampleResponse: {
      jobId: 'job_92af31',
      number: 'J-2026-00314',
      status: 'scheduled',
      scheduledStart: '2026-02-01T15:00:00Z',
      createdAt: '2026-01-24T11:12:33Z',
      links: { web: 'https://app.workiz.com/jobs/job_92af31' },
    },
    knownGaps: {
      '$.links.web: missing':
        'the vendor’s web page of the record: no connector knows its portal’s record URLs yet (links.self is given)',
    },
  },
  {
    page: 'Jobber API (seed 003): POST /quotes',
    method: 'POST',
    path: '/quotes',
    body: {
      clientId: '{clientId}',
      propertyId: '{propertyId}',
      // not on the page (a Jobber quote stands alone): a ServiceTitan estimate belongs to a job, here the
      // one the page's POST /jobs above created
      jobId: '{jobId}',
      currency: 'USD',
      validUntil: '{validUntil}',
      // the page's price book items are its tenant's: here two of the demo tenant's
      lineItems: [
        {
          serviceId: '{serviceId1}',
          description: 'HVAC maintenance visit',
          quantity: 1,
          unitPrice: 150.0,
          taxCode: 'GA_STATE',
        },
        {
          serviceId: '{serviceId2}',
          description: 'MERV-13 filters',
          quantity: 4,
          unitPrice: 25.0,
          taxCode: 'GA_STATE',
        },
      ],
      discount: { type: 'percent', value: 10 },
      notes: 'Includes filter replacement.',
      sendOptions: { email: true, recipients: ['alex.kim@example.com'] },
      attachments: [{ fileName: 'scope.pdf', uploadToken: 'upl_08ab73' }],
    },
    refused: {
      'body.attachments': 'no upload endpoint issues upload tokens: the api carries no attachment',
      'body.discount':
        'ServiceTitan’s quote.create does not carry a discount (estimate items take no price modifier)',
      'body.validUntil': 'ServiceTitan’s quote.create does not carry an expiry',
      'body.sendOptions': 'ServiceTitan’s API does not e-mail an estimate',
      'body.lineItems[].taxCode': 'ServiceTitan’s estimate items have no tax code',
    },
    exampleResponse: {
      quoteId: 'qte_729c10',
      status: 'sent',
      subtotal: 250.0,
      discount: 25.0,
      tax: 16.88,
      total: 241.88,
      documentUrl: 'https://clienthub.jobber.com/qte_729c10',
      createdAt: '2026-01-21T09:12:33Z',
    },
    knownGaps: {
      '$.documentUrl: expected string, got null':
        'a quote’s client-facing document is the vendor’s: the demo connection’s ServiceTitan estimates carry none (null)',
    },
  },
  {
    page: 'Workiz API (seed 002): POST /invoices/{invoiceId}/payments',
    method: 'POST',
    path: '/invoices/{invoiceId}/payments',
    body: {
      amount: '{amount}',
      method: 'card',
      tipAmount: 0.0,
      collectedAt: '{collectedAt}',
      processor: 'workiz_pay',
      externalTransactionId: 'ch_1Ng8cYH...',
      cardLast4: '4242',
      memo: 'Paid in full on site',
    },
    refused: {
      'body.tipAmount': 'ServiceTitan’s payment.record does not carry tips (not even 0)',
      'body.processor': 'ServiceTitan’s payment request has no processor field',
      'body.cardLast4': 'ServiceTitan’s payment request has no card fields',
    },
    exampleResponse: {
      paymentId: 'pay_7f3102',
      status: 'captured',
      invoiceId: 'inv_5aa110',
      totalApplied: 1403.0,
      balanceRemaining: 0.0,
      createdAt: '2026-02-01T17:10:03Z',
    },
  },
];

/** An example's path and body with the run's values in place of `{name}` (a whole `"{name}"` may become any JSON). */
export function withRunValues<T>(template: T, values: Readonly<Record<string, unknown>>): T {
  return JSON.parse(
    JSON.stringify(template)
      .replace(/"\{(\w+)\}"/g, (whole, name: string) =>
        name in values ? JSON.stringify(values[name]) : whole,
      )
      .replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole)),
  ) as T;
}

/** `body` without `field` (`body.a`, `body.a.b`, `body.list[].b`: every element's). */
export function withoutField(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const drop = (value: unknown, path: string[]): unknown => {
    const [head, ...rest] = path;
    if (head === undefined || value === null || typeof value !== 'object') return value;
    if (head.endsWith('[]')) {
      const name = head.slice(0, -2);
      const list = (value as Record<string, unknown>)[name];
      if (!Array.isArray(list)) return value;
      return { ...value, [name]: list.map((item) => drop(item, rest)) };
    }
    const copy = { ...(value as Record<string, unknown>) };
    if (rest.length === 0) delete copy[head];
    else copy[head] = drop(copy[head], rest);
    return copy;
  };
  return drop(body, field.replace(/^body\./, '').split('.')) as Record<string, unknown>;
}
