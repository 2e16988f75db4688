import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandSchema } from '@fieldsync/canonical-model';
import { asyncApiText, renderAsyncApi } from './asyncapi.util';

describe('the AsyncAPI document', () => {
  it('is published as generated from the canonical schemas (npm run docs:asyncapi -- --write)', () => {
    const published = readFileSync(join(__dirname, '..', '..', 'docs', 'asyncapi.json'), 'utf8');
    // compared as JSON: the file is Prettier-formatted after writing
    expect(JSON.parse(published)).toEqual(JSON.parse(asyncApiText()));
  });

  it('is AsyncAPI 3.0 with the events, commands and results channels, each operation on a channel it declares', () => {
    const doc = renderAsyncApi() as {
      asyncapi: string;
      channels: Record<string, { address: string }>;
      operations: Record<string, { channel: { $ref: string } }>;
    };
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.values(doc.channels).map((c) => c.address)).toEqual([
      'fsm.events.{tenant}.{vendor}.{entity}.{action}',
      'fsm.commands.{tenant}.{connection}.{type}',
      'fsm.results.{tenant}.{commandId}',
    ]);
    for (const operation of Object.values(doc.operations)) {
      expect(Object.keys(doc.channels)).toContain(operation.channel.$ref.replace('#/channels/', ''));
    }
  });

  it('describes every command type in the command payload schema', () => {
    const text = asyncApiText();
    for (const option of commandSchema.options) {
      expect(text).toContain(`"const": "${String(option.shape.type.value)}"`);
    }
  });
});
