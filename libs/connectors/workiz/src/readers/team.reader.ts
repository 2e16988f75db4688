import { workizTeamMemberRecordSchema, workizTeamMemberSchema } from '../workiz.schemas';
import { SLOW_MS, sourceSpec, type StreamSpec } from './stream.reader';
import { fieldId } from './wire-record.util';

/**
 * Team members (`team/all/`, one answer without paging), each with the account's zone (the rows carry
 * none). Read whole on every pass; a member who leaves the list is found by reconciliation.
 */
export const teamStream: StreamSpec = {
  stream: 'team',
  entities: ['technician'],
  intervalMs: SLOW_MS,
  sources: [
    sourceSpec({
      list: { kind: 'api-whole', path: '/team/all/' },
      entity: 'technician',
      row: workizTeamMemberSchema,
      idOf: (raw) => fieldId(raw, 'id'),
      expand: async (rows, { client, ctx }) => {
        const { timezone } = await client.apiAccess(ctx);
        return rows.map((m) => [
          {
            entity: 'technician',
            externalId: m.id,
            schema: workizTeamMemberRecordSchema,
            raw: { ...m, timezone },
          },
        ]);
      },
    }),
  ],
};
