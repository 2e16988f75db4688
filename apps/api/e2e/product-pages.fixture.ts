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
