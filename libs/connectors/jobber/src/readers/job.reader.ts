import { ID, JOB, VISIT } from '../jobber-selections';
import { jobberJobSchema, jobberVisitSchema } from '../jobber.schemas';
import { complete, nodesOf } from './paging.util';
import type { StreamSpec } from './stream.reader';
import { isNode, validatedRecord } from './wire-record.util';

/** Jobs and their visits, sorted by updatedAt. */
export const jobsStream: StreamSpec = {
  stream: 'jobs',
  entities: ['job', 'appointment'],
  intervalMs: 15_000,
  root: 'jobs',
  mode: { kind: 'sorted', filterType: 'JobFilterAttributes' },
  nodes: JOB,
  // A job page also yields its visits: a visit change moves the job's updatedAt.
  records: async (node, rest) => {
    if (!isNode(node)) return [validatedRecord('job', jobberJobSchema, node)];
    const job = await complete(node, 'job', 'visits', VISIT, rest);
    const visits: unknown[] = [];
    for (const visit of nodesOf(job['visits'])) {
      visits.push(isNode(visit) ? await complete(visit, 'visit', 'assignedUsers', ID, rest) : visit);
    }
    const withVisits = isNode(job['visits']) ? { ...job, visits: { ...job['visits'], nodes: visits } } : job;
    return [
      validatedRecord('job', jobberJobSchema, withVisits),
      ...visits.map((v) => validatedRecord('appointment', jobberVisitSchema, v)),
    ];
  },
};
