/**
 * `continueFrom` of the export feeds: an opaque token (to the client) standing for the world's
 * rowVersion after the last row served, bound to the feed it came from. base64url of
 * `st-export:<feed>:<rowVersion>`.
 */
const PREFIX = 'st-export';

export function encodeContinueFrom(feed: string, rowVersion: number): string {
  return Buffer.from(`${PREFIX}:${feed}:${rowVersion}`, 'utf8').toString('base64url');
}

/** The rowVersion of a token of `feed`, or undefined when it is not one. */
export function decodeContinueFrom(feed: string, token: string): number | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const parts = Buffer.from(token, 'base64url').toString('utf8').split(':');
  if (parts.length !== 3 || parts[0] !== PREFIX || parts[1] !== feed) return undefined;
  const rowVersion = Number(parts[2]);
  return Number.isSafeInteger(rowVersion) && rowVersion >= 0 ? rowVersion : undefined;
}
