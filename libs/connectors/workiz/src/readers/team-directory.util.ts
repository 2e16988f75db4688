import type { CallContext, WorkizClient } from '../workiz.client';
import { workizOneSchema, workizTeamMemberSchema } from '../workiz.schemas';

/*
 * Workiz names team members by their full name everywhere (a job's `Team`, a call's `user`, an SMS's
 * sender, assign/unassign): the directory maps a name to the member's id from `team/all/`, read once a
 * minute per session. A name no member has now (a technician renamed since the job was assigned: Workiz's
 * jobs keep showing the old name) resolves to null, never to a guess.
 */

const REUSE_MS = 60_000;
/** The youngest a directory is read again for a name it lacks. */
const STALE_MS = 2_000;
const directories = new Map<string, { byName: Map<string, string>; at: number }>();

/**
 * Team members by full name (trimmed, case-insensitive), for the session's account. `names`: the names
 * about to be resolved; one the cached directory lacks (a member added or renamed since) makes it read
 * again, at most every STALE_MS.
 */
export async function teamDirectory(
  client: WorkizClient,
  ctx: CallContext,
  names: readonly (string | null)[] = [],
): Promise<Map<string, string>> {
  const key = `${ctx.session.portalUrl}|${ctx.session.user.id}|${ctx.session.establishedAt}`;
  const cached = directories.get(key);
  const age = cached ? Date.now() - cached.at : Infinity;
  const lacks = cached !== undefined && names.some((n) => n !== null && !cached.byName.has(nameKey(n)));
  if (cached && age < REUSE_MS && !(lacks && age >= STALE_MS)) return cached.byName;
  const body = workizOneSchema.safeParse(await client.apiGet(ctx, '/team/all/'));
  if (!body.success || !Array.isArray(body.data.data)) {
    throw new Error('Workiz GET /team/all/: the answer is not a list of team members');
  }
  const byName = new Map<string, string>();
  for (const row of body.data.data as unknown[]) {
    const member = workizTeamMemberSchema.safeParse(row);
    if (member.success) byName.set(nameKey(member.data.name), member.data.id);
  }
  if (directories.size > 1_000) directories.clear();
  directories.set(key, { byName, at: Date.now() });
  return byName;
}

/** Forgets the session's directory (after a rename the writer made, so the next read sees the new name). */
export function forgetTeamDirectory(ctx: CallContext): void {
  directories.delete(`${ctx.session.portalUrl}|${ctx.session.user.id}|${ctx.session.establishedAt}`);
}

export const nameKey = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** The member a name names, or null. */
export const memberId = (directory: Map<string, string>, name: string | null): string | null =>
  name === null ? null : (directory.get(nameKey(name)) ?? null);
