import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envDocs } from '@fieldsync/platform';
import { withEnvTable } from './readme-env.util';

describe('README configuration table', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

  it('is the table the code renders (run `npm run docs:env -- --write` after changing a variable)', () => {
    expect(readme).toBe(withEnvTable(readme));
  });

  it('names every variable a service reads', () => {
    for (const doc of envDocs) expect(readme).toContain(`\`${doc.name}\``);
  });

  it('refuses a README without the generated section', () => {
    expect(() => withEnvTable('# fieldsync\n')).toThrow('no <!-- env:begin -->');
  });
});
