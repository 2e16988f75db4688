import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..', '..', '..');

/*
 * libs/sdk's generated types must match the OpenAPI document this app builds from its zod schemas. The check
 * runs `npm run sdk:types -- --check` in a child process: openapi-typescript's dependencies are ES modules,
 * which this jest (CommonJS) cannot load. The child builds the document in-process and compares.
 */
describe('libs/sdk generated types', () => {
  jest.setTimeout(60_000);

  it('are what npm run sdk:types generates from the current document', async () => {
    const run = promisify(execFile);
    const result = await run(
      process.execPath,
      ['-r', '@swc-node/register', 'apps/api/src/cli/sdk-types.ts', '--check'],
      { cwd: ROOT },
    ).then(
      ({ stdout }) => ({ code: 0, out: stdout }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code ?? -1, out: error.stderr ?? '' }),
    );
    expect(result).toEqual({
      code: 0,
      out: 'libs/sdk/src/generated/openapi.types.ts is up to date\nlibs/sdk/src/generated/operations.ts is up to date\n',
    });
  });
});
