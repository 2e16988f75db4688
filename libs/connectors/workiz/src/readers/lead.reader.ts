import { workizLeadSchema } from '../workiz.schemas';
import { FAST_MS, sourceSpec, type StreamSpec } from './stream.reader';
import { fieldId } from './wire-record.util';

/**
 * Leads (`lead/all/`, `only_open=false`: Converted and Lost too), paged like jobs: a full pass, then the
 * rolling window of leads created in the past fortnight (readers/paging.util.ts).
 */
export const leadsStream: StreamSpec = {
  stream: 'leads',
  entities: ['lead'],
  intervalMs: FAST_MS,
  sources: [
    sourceSpec({
      list: { kind: 'api', path: '/lead/all/' },
      entity: 'lead',
      row: workizLeadSchema,
      idOf: (raw) => fieldId(raw, 'UUID'),
      expand: (rows) =>
        Promise.resolve(
          rows.map((l) => [
            { entity: 'lead' as const, externalId: l.UUID, schema: workizLeadSchema, raw: l },
          ]),
        ),
    }),
  ],
};
