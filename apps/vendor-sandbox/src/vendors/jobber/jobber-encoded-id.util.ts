/** Jobber's `EncodedId`: base64 of `gid://Jobber/<Type>/<n>` (n = the world record's numeric id). */
export function encodeId(type: string, id: number): string {
  return Buffer.from(`gid://Jobber/${type}/${id}`, 'utf8').toString('base64');
}

/** The numeric id of an EncodedId of `type`; undefined when it is not one (wrong type, not base64, junk). */
export function decodeId(value: string, type: string): number | undefined {
  const match = /^gid:\/\/Jobber\/(\w+)\/(\d+)$/.exec(Buffer.from(value, 'base64').toString('utf8'));
  if (!match || match[1] !== type) return undefined;
  const id = Number(match[2]);
  return Number.isSafeInteger(id) ? id : undefined;
}
