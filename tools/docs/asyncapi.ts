// `npm run docs:asyncapi`: prints the AsyncAPI 3 document of the NATS subjects; `-- --write` updates
// docs/asyncapi.json (then `npx prettier --write docs/asyncapi.json`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiText } from './asyncapi.util';

const path = join(__dirname, '..', '..', 'docs', 'asyncapi.json');
if (process.argv.includes('--write')) {
  writeFileSync(path, asyncApiText());
  process.stdout.write('docs/asyncapi.json updated\n');
} else {
  process.stdout.write(asyncApiText());
}
