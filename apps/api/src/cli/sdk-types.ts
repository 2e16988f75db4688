// `npm run sdk:types`: regenerates libs/sdk/src/generated from this app's OpenAPI document (built in-process
// from the zod schemas, no server needed). `-- --check` exits 1 when a checked-in file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SDK_GENERATED_DIR, renderSdkTypes } from '../openapi/sdk-types.util';

async function main(): Promise<void> {
  const dir = join(__dirname, '..', '..', '..', '..', SDK_GENERATED_DIR);
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [name, text] of Object.entries(await renderSdkTypes())) {
    const path = join(dir, name);
    if (!check) {
      writeFileSync(path, text);
      process.stdout.write(`${SDK_GENERATED_DIR}/${name} written\n`);
    } else if (readFileSync(path, 'utf8') !== text) {
      stale += 1;
      process.stderr.write(`${SDK_GENERATED_DIR}/${name} is stale: run npm run sdk:types\n`);
    } else {
      process.stdout.write(`${SDK_GENERATED_DIR}/${name} is up to date\n`);
    }
  }
  if (stale > 0) process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
