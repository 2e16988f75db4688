import type { SessionRow } from './sessions.repository';

/** A stored session may be handed out: healthy or degraded, and valid for at least `minValidityMs`. */
export function isUsableSession(row: SessionRow, minValidityMs: number): boolean {
  return (
    (row.health === 'healthy' || row.health === 'degraded') &&
    row.expires_at !== null &&
    row.expires_at.getTime() - Date.now() >= minValidityMs
  );
}
