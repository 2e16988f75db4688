// `npm run docs:env`: prints the configuration table rendered from the code; `-- --write` updates README.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEnvDocsMarkdown } from '@fieldsync/platform';
import { withEnvTable } from './readme-env.util';

const readmePath = join(__dirname, '..', '..', 'README.md');
if (process.argv.includes('--write')) {
  writeFileSync(readmePath, withEnvTable(readFileSync(readmePath, 'utf8')));
  process.stdout.write('README.md configuration table updated\n');
} else {
  process.stdout.write(`${renderEnvDocsMarkdown().trim()}\n`);
}
