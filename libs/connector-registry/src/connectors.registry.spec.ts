import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { COMMAND_TYPES } from '@fieldsync/canonical-model';
import { CONNECTORS } from './connectors.registry';

const CONNECTORS_DIR = resolve(__dirname, '../../connectors');

describe('the connector registry', () => {
  const folders = readdirSync(CONNECTORS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

  it('registers every folder under libs/connectors/, each under its own vendor id', () => {
    expect(folders.length).toBeGreaterThan(0);
    expect([...CONNECTORS.vendors].sort()).toEqual(folders);
  });

  it("takes each vendor's connector from the folder's <vendor>.connector.ts, exported by its index", () => {
    for (const vendor of folders) {
      const file = resolve(CONNECTORS_DIR, vendor, 'src', `${vendor}.connector.ts`);
      expect(readFileSync(file, 'utf8')).toContain(`export const ${vendor}Connector`);
      expect(readFileSync(resolve(CONNECTORS_DIR, vendor, 'src', 'index.ts'), 'utf8')).toMatch(
        new RegExp(`\\b${vendor}Connector\\b`),
      );
    }
  });

  it('backs every declared capability with code: each declared entity a stream, each declared command a write', () => {
    for (const connector of CONNECTORS.connectors) {
      const { capabilities } = connector.descriptor;
      const yielded = new Set(connector.readSide.streams.flatMap((s) => s.entities));
      for (const entity of capabilities.reads)
        expect([connector.descriptor.vendor, entity, yielded.has(entity)]).toEqual([
          connector.descriptor.vendor,
          entity,
          true,
        ]);
      expect(connector.readSide.streams.map((s) => s.stream).sort()).toEqual(
        [...capabilities.streams].sort(),
      );
      for (const command of Object.keys(capabilities.writes)) {
        const write = connector.writeSide.writes[command as (typeof COMMAND_TYPES)[number]];
        expect([command, typeof write?.execute]).toEqual([command, 'function']);
        expect(write?.carries).toEqual(capabilities.writes[command as (typeof COMMAND_TYPES)[number]]);
      }
      expect(Object.keys(connector.writeSide.writes).sort()).toEqual(Object.keys(capabilities.writes).sort());
      expect(connector.authFlows.create().vendor).toBe(connector.descriptor.vendor);
    }
  });
});
