import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SDK_GENERATED_DIR, renderSdkTypes } from './sdk-types.util';

describe('libs/sdk generated types', () => {
  it('match the OpenAPI document built from the zod schemas (else run npm run sdk:types)', async () => {
    const files = await renderSdkTypes();
    expect(Object.keys(files).sort()).toEqual(['openapi.types.ts', 'operations.ts']);
    expect(files['openapi.types.ts']).toContain('listJobs: {');
    expect(files['operations.ts']).toContain("createJob: { method: 'POST', path: '/jobs' }");
    for (const [name, fresh] of Object.entries(files)) {
      const checkedIn = readFileSync(
        join(__dirname, '..', '..', '..', '..', SDK_GENERATED_DIR, name),
        'utf8',
      );
      expect({ name, state: checkedIn === fresh ? 'up to date' : 'stale: run npm run sdk:types' }).toEqual({
        name,
        state: 'up to date',
      });
    }
  });
});
