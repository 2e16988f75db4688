import { z } from 'zod';
import { queryToken, wholeNumber } from '../http/query-fields';

export const streamSyncSchema = z
  .strictObject({
    stream: z.string().describe('The vendor stream (jobs, clients, invoices …)'),
    running: z.boolean().describe('A worker is reading it now'),
    recordsSynced: z.int(),
    lastRunAt: z.string().nullable(),
    lastSuccessAt: z.string().nullable().describe('When it last caught up with the vendor'),
    lagSeconds: z.int().nullable().describe('Seconds since lastSuccessAt (null before the first)'),
    lastError: z.string().nullable().describe('The last failed run’s error, cleared by a success'),
    lastErrorAt: z.string().nullable(),
    consecutiveFailures: z.int(),
    nextRunAt: z.string().nullable(),
    reconciliation: z
      .strictObject({
        generation: z.int(),
        inProgress: z.boolean(),
        startedAt: z.string().nullable(),
        completedAt: z.string().nullable(),
        requestedAt: z.string().nullable(),
        requestPending: z.boolean(),
      })
      .describe('Full passes that find deletions the vendor does not list'),
  })
  .meta({ id: 'StreamSync' });

export const connectionSchema = z
  .strictObject({
    connectionId: z.string(),
    vendor: z.string(),
    label: z.string().nullable(),
    status: z.string().describe('active, pending, needs_attention or disabled'),
    statusReason: z.string().nullable(),
    lastLoginAt: z.string().nullable(),
    createdAt: z.string(),
    sync: z.strictObject({
      lastSuccessAt: z
        .string()
        .nullable()
        .describe('The oldest of the streams’ last successes: everything is at least this fresh'),
      errors: z.int().describe('Streams whose last run failed'),
      streams: z.array(streamSyncSchema),
    }),
  })
  .meta({ id: 'Connection' });

export const connectionListSchema = z
  .strictObject({ items: z.array(connectionSchema) })
  .meta({ id: 'ConnectionList' });

export const driftQuerySchema = z.strictObject({
  connectionId: queryToken.optional(),
  resolved: z.enum(['true', 'false']).optional(),
  page: wholeNumber(1, 1_000_000).optional(),
  pageSize: wholeNumber(1, 200).optional(),
});

export const driftReportSchema = z
  .strictObject({
    driftReportId: z.string(),
    connectionId: z.string(),
    vendor: z.string(),
    entityType: z.string(),
    kind: z.string().describe('wire_schema (the vendor’s payload) or mapping (to the canonical model)'),
    externalId: z.string().nullable().describe('The vendor id of the latest record that drifted'),
    issues: z.array(z.record(z.string(), z.unknown())),
    raw: z.unknown().describe('The latest drifted record as the vendor sent it'),
    occurrences: z.int(),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    resolvedAt: z.string().nullable(),
  })
  .meta({ id: 'DriftReport' });

export const driftPageSchema = z
  .strictObject({ items: z.array(driftReportSchema), page: z.int(), pageSize: z.int(), total: z.int() })
  .meta({ id: 'DriftReportPage' });
