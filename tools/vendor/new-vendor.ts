// `npm run new:vendor -- <vendor> [--root <dir>]`: lays out a new vendor's connector
// (libs/connectors/<vendor>/) and sandbox portal (apps/vendor-sandbox/src/vendors/<vendor>/) with failing
// contract specs to fill in, and adds its line to each registry and its path alias (README "Adding a vendor").
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NewVendorError } from './new-vendor.error';
import { newVendor } from './new-vendor.generator';

const USAGE =
  'usage: npm run new:vendor -- <vendor> [--root <dir>]   (<vendor>: an id of the canonical model without a connector yet)';
const REPO_ROOT = resolve(__dirname, '..', '..');

async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { root: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
  } catch (error) {
    process.stderr.write(`new:vendor: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [vendor, ...extra] = positionals;
  if (vendor === undefined || extra.length > 0) {
    process.stderr.write(
      `new:vendor: ${vendor === undefined ? 'no vendor given' : `one vendor at a time (got ${positionals.join(', ')})`}\n${USAGE}\n`,
    );
    return 2;
  }
  const root = resolve(values.root ?? REPO_ROOT);
  try {
    const report = await newVendor({ root, vendor });
    const lines = [
      `Laid out ${report.names.displayName} (${vendor}) in ${root}`,
      `  created ${String(report.created.length)} files:`,
      ...report.created.map((file) => `    ${file}`),
      `  edited ${String(report.edited.length)} shared files:`,
      ...report.edited.map(
        ({ file, added, removed }) => `    ${file} (+${String(added.length)} −${String(removed.length)})`,
      ),
      `Next: npx jest --selectProjects unit --testPathPatterns='(libs/connectors|apps/vendor-sandbox/src/vendors)/${vendor}/' — each failing spec says what to fill in.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    if (error instanceof NewVendorError) {
      process.stderr.write(`new:vendor: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `new:vendor: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
