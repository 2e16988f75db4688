import { workizJobRecordSchema, workizJobSchema } from '../workiz.schemas';
import { FAST_MS, sourceSpec, type StreamSpec } from './stream.reader';
import { memberId, teamDirectory } from './team-directory.util';
import { fieldId } from './wire-record.util';

/**
 * Jobs (`job/all/`, `only_open=false`: Done and Canceled too): a full pass from the start of time, then
 * the rolling window of the past fortnight and everything ahead on every incremental pass
 * (readers/paging.util.ts). Each job's `Team` names are resolved to team members (team-directory.util.ts);
 * each job is also yielded as its one visit, an appointment with the job's UUID (mappers/appointment.mapper.ts).
 */
export const jobsStream: StreamSpec = {
  stream: 'jobs',
  entities: ['job', 'appointment'],
  intervalMs: FAST_MS,
  sources: [
    sourceSpec({
      list: { kind: 'api', path: '/job/all/' },
      entity: 'job',
      row: workizJobSchema,
      idOf: (raw) => fieldId(raw, 'UUID'),
      expand: async (rows, { client, ctx }) => {
        const team = await teamDirectory(
          client,
          ctx,
          rows.flatMap((j) => j.Team),
        );
        return rows.map((job) => {
          const raw = { job, TeamMembers: job.Team.map((name) => ({ name, id: memberId(team, name) })) };
          return (['job', 'appointment'] as const).map((entity) => ({
            entity,
            externalId: job.UUID,
            schema: workizJobRecordSchema,
            raw,
          }));
        });
      },
    }),
  ],
};
