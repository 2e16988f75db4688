import { VendorWriteError, type WriteContext } from '@fieldsync/connector-kit';
import { workizClient } from '../workiz.readers';
import { workizOneSchema, workizTeamMemberSchema, type WorkizJobRecord } from '../workiz.schemas';
import { nameKey } from '../readers/team-directory.util';
import { vendorCall } from './write-errors.util';

/*
 * Workiz addresses team members by full name: assign/unassign take `{UUID, User: "<full name>"}`, one
 * member a call, and a job's `Team` shows names. A technician renamed since keeps the old name on jobs
 * already assigned (vendors.md §6.6), so the crew of a job is read by member: the names the directory knows
 * now, and for a name it no longer knows, the member the stored job record resolved it to when it was read.
 */

/** The current full name of every team member, by id (a fresh `team/all/`). */
export async function currentNames(ctx: WriteContext): Promise<Map<string, string>> {
  const body = workizOneSchema.parse(await workizClient.apiGet(ctx, '/team/all/'));
  const out = new Map<string, string>();
  for (const row of Array.isArray(body.data) ? (body.data as unknown[]) : []) {
    const m = workizTeamMemberSchema.safeParse(row);
    if (m.success) out.set(m.data.id, m.data.name);
  }
  return out;
}

/** The member ids of a job's `Team`: by current name, else by the stored record's resolution of that name. */
export function crewOf(
  team: readonly string[],
  names: Map<string, string>,
  stored: WorkizJobRecord | null,
): string[] {
  const byName = new Map([...names].map(([id, name]) => [nameKey(name), id]));
  const storedByName = new Map((stored?.TeamMembers ?? []).map((m) => [nameKey(m.name), m.id]));
  const ids = team.map((name) => byName.get(nameKey(name)) ?? storedByName.get(nameKey(name)) ?? null);
  return [...new Set(ids.filter((id): id is string => id !== null))];
}

/**
 * Assigns or unassigns one member by current name. Workiz answers a repeated assign with 400 "User is
 * already assigned" and a repeated unassign with "User is not assigned": the state asked for is there, so
 * both count as done (a retried command).
 */
export async function setAssigned(
  ctx: WriteContext,
  uuid: string,
  name: string,
  assign: boolean,
  field: string,
): Promise<void> {
  try {
    await vendorCall(assign ? 'job/assign' : 'job/unassign', { User: field, UUID: 'payload.jobId' }, () =>
      workizClient.apiPost(ctx, assign ? '/job/assign/' : '/job/unassign/', { UUID: uuid, User: name }),
    );
  } catch (error) {
    const said = error instanceof VendorWriteError ? (error.details.vendorCode ?? '') : '';
    if (assign && /already assigned/i.test(said)) return;
    if (!assign && /not assigned/i.test(said)) return;
    throw error;
  }
}
