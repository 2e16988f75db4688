import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { connectorReadSides } from './read-sides.registry';

describe('the extractor registry of read sides', () => {
  it('registers the read side of every connector folder that has one, under its own vendor', () => {
    const folders = readdirSync(resolve(__dirname, '../../../../libs/connectors'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    const sides = connectorReadSides();
    expect([...sides.keys()].sort()).toEqual(folders);
    for (const [vendor, side] of sides) expect(side.vendor).toBe(vendor);
  });

  it('gives every stream of a connector its own name', () => {
    for (const side of connectorReadSides().values()) {
      const names = side.streams.map((s) => s.stream);
      expect(new Set(names).size).toBe(names.length);
    }
  });
});
