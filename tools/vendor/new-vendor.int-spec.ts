import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { lineChanges } from './line-diff.util';
import { CANONICAL_VENDORS_FILE, SANDBOX_PORTS_FILE, SHARED_FILES } from './new-vendor.generator';
import { unregisterInScratch } from './unregistered-vendor.util';
import { scratchCheckout, type ScratchCheckout } from './scratch-checkout.util';
import { CONNECTOR_REGISTRY_FILE, PORTAL_REGISTRY_FILE, TSCONFIG_BASE_FILE } from './shared-edits.util';

/*
 * The proof that adding a vendor touches only its two folders and three shared lines (issue 12): `npm run
 * new:vendor -- tom` (the script's own command line) against a scratch checkout — copies of the files
 * it reads and edits, symlinks to the repo for everything else — then:
 *  (a) every file of the scratch before and after, by content: what it created lies in the two vendor
 *      folders, and each shared file gained its line (plus its import) and nothing else;
 *  (b) `tsc --noEmit` over the generated files and the edited registries, extending the edited
 *      tsconfig.base.json (whose new alias points at the generated connector; every other @fieldsync/*
 *      alias reaches the repo's libraries through the scratch's symlinks);
 *  (c) jest on the two generated specs: both load (the registry accepts the skeleton) and every test but
 *      the two that already hold fails, saying what to fill in.
 * The scratch is removed afterwards; the repo is never written to.
 */

jest.setTimeout(120_000);

const REPO = resolve(__dirname, '../..');
const VENDOR = 'tom';
const VENDOR_FOLDERS = [`libs/connectors/${VENDOR}/`, `apps/vendor-sandbox/src/vendors/${VENDOR}/`];
const run = promisify(execFile);

/** Every file of the scratch by content (symlinks by target, never followed), relative to its root. */
function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
      const stat = lstatSync(join(root, path));
      if (stat.isSymbolicLink()) files.set(path, `→ ${readlinkSync(join(root, path))}`);
      else if (stat.isDirectory()) walk(path);
      else
        files.set(
          path,
          createHash('sha256')
            .update(readFileSync(join(root, path)))
            .digest('hex'),
        );
    }
  };
  walk('');
  return files;
}

/** The repo's own vendor folders and shared files, by content (the script must never write to them). */
function repoState(): unknown {
  return {
    folders: VENDOR_FOLDERS.map((folder) =>
      existsSync(join(REPO, folder)) ? [...snapshot(join(REPO, folder))] : null,
    ),
    shared: SHARED_FILES.map((file) => readFileSync(join(REPO, file), 'utf8')),
  };
}

/** `npm run new:vendor -- <args>` without npm: the script's command line from package.json, run from the repo. */
async function newVendorScript(
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const scripts = (
    JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const [node, ...rest] = (scripts['new:vendor'] ?? '').split(' ');
  expect(node).toBe('node');
  try {
    const { stdout, stderr } = await run(process.execPath, [...rest, ...args], {
      cwd: REPO,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe(`npm run new:vendor -- ${VENDOR}`, () => {
  let scratch: ScratchCheckout;
  let work: string;
  let before: Map<string, string>;
  let after: Map<string, string>;
  let repoBefore: unknown;
  let sharedBefore: Map<string, string>;
  let output: string;

  beforeAll(async () => {
    repoBefore = repoState();
    scratch = scratchCheckout(REPO, {
      copies: [...SHARED_FILES, CANONICAL_VENDORS_FILE, SANDBOX_PORTS_FILE, '.prettierrc.json'],
      folders: ['libs/connectors', 'apps/vendor-sandbox/src/vendors'],
    });
    // The checkout as it was before the vendor was added (it has its plug-in now): the proof lays it out again.
    unregisterInScratch(scratch.root, VENDOR, SHARED_FILES);
    // The compiler's and jest's configurations and outputs: beside the scratch, so they are not in its listing.
    work = mkdtempSync(join(tmpdir(), 'fieldsync-new-vendor-proof-'));
    sharedBefore = new Map(
      SHARED_FILES.map((file) => [file, readFileSync(join(scratch.root, file), 'utf8')]),
    );
    before = snapshot(scratch.root);
    const result = await newVendorScript([VENDOR, '--root', scratch.root]);
    expect([result.code, result.stderr]).toEqual([0, '']);
    output = result.stdout;
    after = snapshot(scratch.root);
  });

  afterAll(() => {
    scratch?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const created = (): string[] => [...after.keys()].filter((file) => !before.has(file)).sort();
  const generatedTs = (): string[] => created().filter((file) => file.endsWith('.ts'));

  it('creates files only in the two vendor folders and edits one line (plus its import) of each shared file', () => {
    expect([...before.keys()].filter((file) => !after.has(file))).toEqual([]);
    const changed = [...before.keys()].filter((file) => after.get(file) !== before.get(file)).sort();
    expect(changed).toEqual([...SHARED_FILES].sort());
    expect(created().filter((file) => !VENDOR_FOLDERS.some((folder) => file.startsWith(folder)))).toEqual([]);
    expect(created().length).toBeGreaterThan(0);

    const edits = new Map(
      SHARED_FILES.map((file) => [
        file,
        lineChanges(sharedBefore.get(file) ?? '', readFileSync(join(scratch.root, file), 'utf8')),
      ]),
    );
    const registry = edits.get(CONNECTOR_REGISTRY_FILE);
    expect(registry?.added[0]).toBe(`import { ${VENDOR}Connector } from '@fieldsync/connectors/${VENDOR}';`);
    // The list gains the connector and nothing else: on one line per connector (one line added), on one
    // line (that line replaced by itself with the connector added), or reflowed by Prettier onto one line
    // per connector once it no longer fits one (the old line replaced by the list's lines).
    const connectorsIn = (lines: readonly string[]): string[] =>
      lines.join('\n').match(/\b\w+Connector\b/g) ?? [];
    expect(connectorsIn(registry?.added.slice(1) ?? [])).toEqual([
      ...connectorsIn(registry?.removed ?? []),
      `${VENDOR}Connector`,
    ]);
    expect(edits.get(PORTAL_REGISTRY_FILE)).toEqual({
      removed: [],
      added: ["import { createTomPortal } from '../vendors/tom';", '    createTomPortal(),'],
    });
    expect(edits.get(TSCONFIG_BASE_FILE)).toEqual({
      removed: [],
      added: ['      "@fieldsync/connectors/tom": ["./libs/connectors/tom/src/index.ts"],'],
    });

    // What the generator reports is what the listing found.
    expect(output).toContain(`created ${String(created().length)} files:`);
    const lines = [...edits].map(
      ([file, { added, removed }]) => `${file} +${String(added.length)} −${String(removed.length)}`,
    );
    console.log(
      `new:vendor ${VENDOR}: ${String(created().length)} files created (${VENDOR_FOLDERS.map(
        (folder) => `${String(created().filter((f) => f.startsWith(folder)).length)} in ${folder}`,
      ).join(', ')}); ${String(edits.size)} shared files edited: ${lines.join('; ')}`,
    );
  });

  it('writes TypeScript that compiles with the edited registries and path alias', async () => {
    const tsconfig = join(work, 'tsconfig.json');
    const files = [...generatedTs(), CONNECTOR_REGISTRY_FILE, PORTAL_REGISTRY_FILE].map((file) =>
      join(scratch.root, file),
    );
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: join(scratch.root, TSCONFIG_BASE_FILE),
        compilerOptions: {
          noEmit: true,
          types: ['node', 'jest'],
          typeRoots: [join(scratch.root, 'node_modules/@types')],
          rootDir: '/',
        },
        files,
      }),
    );
    const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
    const compiled = await run(process.execPath, [tsc, '-p', tsconfig, '--listFiles'], {
      cwd: work,
      timeout: 100_000,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => {
      throw new Error(
        `tsc failed:\n${(error.stdout ?? '')
          .split('\n')
          .filter((l) => /error TS\d+/.test(l))
          .join('\n')}`,
      );
    });
    const listed = new Set(compiled.stdout.split('\n'));
    // It compiled the generated connector through the new alias, not some other copy.
    expect(files.filter((file) => !listed.has(file))).toEqual([]);
    expect(listed.has(join(scratch.root, `libs/connectors/${VENDOR}/src/index.ts`))).toBe(true);
  });

  it('writes contract specs that load and fail until filled in, each failure saying what to fill in', async () => {
    // The repo's own transform (SWC), so the generated specs run as `npm test` would run them.
    const repoJest = createRequire(join(REPO, 'package.json'))('./jest.config.js') as {
      projects: { transform: unknown }[];
    };
    const config = join(work, 'jest.config.json');
    const results = join(work, 'results.json');
    writeFileSync(
      config,
      JSON.stringify({
        rootDir: scratch.root,
        roots: VENDOR_FOLDERS.map((folder) => `<rootDir>/${folder}`),
        testMatch: ['**/*.spec.ts'],
        testEnvironment: 'node',
        transform: repoJest.projects[0]?.transform,
        moduleNameMapper: { '^@fieldsync/(.*)$': '<rootDir>/libs/$1/src/index.ts' },
        cacheDirectory: join(work, 'jest-cache'),
      }),
    );
    const jest = join(REPO, 'node_modules/jest/bin/jest.js');
    await run(
      process.execPath,
      [
        jest,
        '--config',
        config,
        '--ci',
        '--watchman=false',
        '--maxWorkers=1',
        '--json',
        `--outputFile=${results}`,
      ],
      { cwd: work, timeout: 100_000 },
    ).then(
      () => {
        throw new Error('the generated specs passed: they must fail until the vendor is filled in');
      },
      (error: { code?: number }) => expect(error.code).toBe(1),
    );
    const report = JSON.parse(readFileSync(results, 'utf8')) as {
      numRuntimeErrorTestSuites: number;
      testResults: {
        name: string;
        testExecError?: unknown;
        assertionResults: { title: string; status: string; failureMessages: string[] }[];
      }[];
    };
    expect(report.numRuntimeErrorTestSuites).toBe(0);
    const tests = report.testResults.flatMap((suite) =>
      suite.assertionResults.map((test) => ({
        spec: suite.name.slice(scratch.root.length + 1),
        title: test.title,
        status: test.status,
        says: (test.failureMessages[0] ?? '').split('\n')[0] ?? '',
      })),
    );
    const outcome = (spec: string) =>
      Object.fromEntries(tests.filter((t) => t.spec === spec).map((t) => [t.title, t.status]));
    expect(outcome(`libs/connectors/${VENDOR}/src/${VENDOR}.connector.spec.ts`)).toEqual({
      'is accepted by the registry: its descriptor is what its code does': 'passed',
      "declares Total Office Manager's own second factors, SSO and transport": 'failed',
      "logs in with Total Office Manager's session lifetimes, overrides applied": 'failed',
      "maps Total Office Manager's roles to entitlements": 'failed',
      'has a write for every command the product page promises': 'failed',
      'has recorded records of every stream, each stream yielding exactly the entities it declares': 'failed',
      'maps every recorded record to a canonical object its schema accepts': 'failed',
    });
    expect(outcome(`apps/vendor-sandbox/src/vendors/${VENDOR}/${VENDOR}.portal.spec.ts`)).toEqual({
      "listens on Total Office Manager's own port under its own id": 'passed',
      'serves its login page': 'failed',
      'signs every test user in through the login steps': 'failed',
      'has a test user for every second factor Total Office Manager offers': 'failed',
      'serves a data API of the published operations': 'failed',
      'answers every modelled operation as the published description says': 'failed',
      'exports the ground truth of every resource its data API serves': 'failed',
    });
    const failed = tests.filter((t) => t.status === 'failed');
    expect(
      failed.filter((t) => !t.says.startsWith('Error: fill in')).map((t) => `${t.title}: ${t.says}`),
    ).toEqual([]);
    console.log(
      `new:vendor ${VENDOR}: ${String(failed.length)} of ${String(tests.length)} generated contract tests fail until filled in:\n${failed
        .map((t) => `  ${t.title} — ${t.says.replace(/^Error: /, '')}`)
        .join('\n')}`,
    );
  });

  it('refuses a second run for the vendor, naming what exists, and changes nothing', async () => {
    const again = await newVendorScript([VENDOR, '--root', scratch.root]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `new:vendor: ${VENDOR} already has libs/connectors/${VENDOR}/: the generator lays out a vendor that has neither folder yet\n`,
    );
    expect(snapshot(scratch.root)).toEqual(after);
  });

  it('refuses an id that is not a vendor, and leaves the repo it runs from as it was', async () => {
    const unknown = await newVendorScript(['fieldedge', '--root', scratch.root]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('"fieldedge" is not a vendor of the canonical model');
    // The repo has the vendor's plug-in now: its folders and shared files are exactly as they were.
    expect(repoState()).toEqual(repoBefore);
  });
});
