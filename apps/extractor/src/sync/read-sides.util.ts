import { VENDORS, type Vendor } from '@fieldsync/canonical-model';
import type { ConnectorReadSide } from '@fieldsync/connector-kit';

/**
 * Startup check of the connectors registry: each read side under its own vendor, stream names unique
 * per connector, positive intervals, and no entity reconciled by two streams of one connector (each
 * would tombstone what only the other sees). Throws naming the offender.
 */
export function validateReadSides(readSides: ReadonlyMap<Vendor, ConnectorReadSide>): void {
  for (const [vendor, readSide] of readSides) {
    if (!(VENDORS as readonly string[]).includes(vendor))
      throw new TypeError(`CONNECTOR_READ_SIDES: unknown vendor ${vendor}`);
    if (readSide.vendor !== vendor) {
      throw new TypeError(
        `CONNECTOR_READ_SIDES: the read side registered for ${vendor} is ${readSide.vendor}'s`,
      );
    }
    const streams = new Set<string>();
    const reconciled = new Map<string, string>();
    for (const stream of readSide.streams) {
      if (!/^[a-z0-9][a-z0-9_-]*$/.test(stream.stream)) {
        throw new TypeError(
          `${vendor}: stream name ${JSON.stringify(stream.stream)} must be lower-case a-z, 0-9, _ or -`,
        );
      }
      if (streams.has(stream.stream))
        throw new TypeError(`${vendor}: stream ${stream.stream} is declared twice`);
      streams.add(stream.stream);
      if (!(stream.intervalMs > 0))
        throw new TypeError(`${vendor}.${stream.stream}: intervalMs must be greater than 0`);
      if (stream.signalsDeletes) continue;
      for (const entity of stream.reconciles ?? stream.entities) {
        const other = reconciled.get(entity);
        if (other !== undefined) {
          throw new TypeError(
            `${vendor}: streams ${other} and ${stream.stream} both reconcile ${entity}; set \`reconciles\` on one of them`,
          );
        }
        reconciled.set(entity, stream.stream);
      }
    }
  }
}
