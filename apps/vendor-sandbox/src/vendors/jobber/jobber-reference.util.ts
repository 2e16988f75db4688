import { encodeId } from './jobber-encoded-id.util';

/** A reference to another object as a query selecting `{ id }` of it returns it. */
export const ref = (type: string, id: number) => ({ id: encodeId(type, id) });
