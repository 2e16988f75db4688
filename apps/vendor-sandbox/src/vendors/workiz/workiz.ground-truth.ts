import type { World } from '@fieldsync/sandbox-world';
import type { GroundTruth } from '../../portal/portal.types';
import { WORKIZ_WEBAPP_LISTINGS } from './workiz-webapp.routes';
import { renderJob, renderLead, renderTeamMember } from './workiz.renderer';

/**
 * What Workiz holds, as `GET /__sandbox/world/export/:entity` exports it: every record rendered exactly
 * as the API or the web app answers it, without the API's windows (closed jobs and records older than
 * 14 days included). Jobs: every job not deleted (the API shows no deleted job); leads, team members;
 * then the web app's lists under the keys their JSON uses, and the service areas.
 */
const API_EXPORTS: Readonly<Record<string, (world: World) => readonly unknown[]>> = {
  jobs: (w) => [...w.store.all('job')].filter((j) => j.deletedOn === null).map((j) => renderJob(w, j)),
  leads: (w) => w.workiz.leads().map((l) => renderLead(w, l)),
  team: (w) => [...w.store.all('employee')].map((e) => renderTeamMember(w, e)),
  service_areas: (w) =>
    w.workiz.serviceAreas().map((a) => ({ area_id: a.id, name: a.name, zip_codes: a.zipCodes })),
};

const EXPORTS: Readonly<Record<string, (world: World) => readonly unknown[]>> = {
  ...API_EXPORTS,
  ...Object.fromEntries(
    WORKIZ_WEBAPP_LISTINGS.map((l) => [
      l.key,
      (w: World) => [...l.rows(w)].sort((a, b) => a.id - b.id).map((r) => l.render(w, r as never)),
    ]),
  ),
};

export const WORKIZ_EXPORT_ENTITIES: readonly string[] = Object.keys(EXPORTS);

export const workizGroundTruth: GroundTruth = {
  entities: WORKIZ_EXPORT_ENTITIES,
  export(world: World, entity: string): readonly unknown[] {
    const render = EXPORTS[entity];
    if (!render) throw new RangeError(`Workiz exports no ${entity}`);
    return render(world);
  },
};
