import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lineChanges } from './line-diff.util';
import { NewVendorError, NewVendorErrorCode } from './new-vendor.error';
import {
  CANONICAL_VENDORS_FILE,
  newVendor,
  renderVendorFiles,
  SANDBOX_PORTS_FILE,
  SHARED_FILES,
} from './new-vendor.generator';
import { scratchCheckout, type ScratchCheckout } from './scratch-checkout.util';
import {
  CONNECTOR_REGISTRY_FILE,
  PORTAL_REGISTRY_FILE,
  TSCONFIG_BASE_FILE,
  withConnectorRegistered,
  withPathAlias,
  withPortalRegistered,
} from './shared-edits.util';
import { REMOVED_VENDOR, unregisterInScratch, withoutVendor } from './unregistered-vendor.util';
import { vendorNames } from './vendor-names.util';

/*
 * The new-vendor generator's parts, in-process: the three shared edits on the real files and on other
 * layouts of them, the names and templates, and every refusal (nothing written). The whole generator, run
 * as `npm run new:vendor` against a scratch checkout with its output compiled and its specs run, is
 * new-vendor.int-spec.ts.
 */

const REPO = resolve(__dirname, '../..');
/** A shared file of the repository as it was before the last vendor was added (unregistered-vendor.util.ts). */
const repoFile = (file: string): string =>
  withoutVendor(readFileSync(join(REPO, file), 'utf8'), REMOVED_VENDOR);
const workiz = vendorNames('workiz');
/** A vendor the shared files (as repoFile reads them) do not register. */
const unregistered = vendorNames(REMOVED_VENDOR);

describe('the shared edits', () => {
  it("adds a connector's import and one entry to the registry's list, on one line or one per line", () => {
    const inline = [
      "import { ConnectorRegistry } from '@fieldsync/connector-kit';",
      "import { jobberConnector } from '@fieldsync/connectors/jobber';",
      "import { servicetitanConnector } from '@fieldsync/connectors/servicetitan';",
      '',
      'export const CONNECTORS = new ConnectorRegistry([servicetitanConnector, jobberConnector]);',
      '',
    ].join('\n');
    expect(lineChanges(inline, withConnectorRegistered(inline, workiz))).toEqual({
      removed: ['export const CONNECTORS = new ConnectorRegistry([servicetitanConnector, jobberConnector]);'],
      added: [
        "import { workizConnector } from '@fieldsync/connectors/workiz';",
        'export const CONNECTORS = new ConnectorRegistry([servicetitanConnector, jobberConnector, workizConnector]);',
      ],
    });
    const perLine = inline.replace(
      '[servicetitanConnector, jobberConnector]',
      '[\n  servicetitanConnector,\n  jobberConnector,\n]',
    );
    expect(lineChanges(perLine, withConnectorRegistered(perLine, vendorNames('housecallpro')))).toEqual({
      removed: [],
      added: [
        "import { housecallproConnector } from '@fieldsync/connectors/housecallpro';",
        '  housecallproConnector,',
      ],
    });
    // In order among the connectors' imports: housecallpro's goes before jobber's.
    const edited = withConnectorRegistered(perLine, vendorNames('housecallpro')).split('\n');
    expect(
      edited.indexOf("import { housecallproConnector } from '@fieldsync/connectors/housecallpro';"),
    ).toBe(1);
  });

  it("adds a portal's import and one line to the list createPortals returns", () => {
    const source = repoFile(PORTAL_REGISTRY_FILE);
    const { removed, added } = lineChanges(source, withPortalRegistered(source, unregistered));
    expect(removed).toEqual([]);
    expect(added).toEqual(["import { createTomPortal } from '../vendors/tom';", '    createTomPortal(),']);
    const tom = withPortalRegistered(source, vendorNames('tom')).split('\n');
    expect(tom.indexOf("import { createTomPortal } from '../vendors/tom';")).toBeGreaterThan(
      tom.indexOf("import { createServiceTitanPortal } from '../vendors/servicetitan';"),
    );
  });

  it('adds the path alias in key order, or last, to the real tsconfig.base.json', () => {
    const source = repoFile(TSCONFIG_BASE_FILE);
    const alias = (vendor: string) =>
      `      "@fieldsync/connectors/${vendor}": ["./libs/connectors/${vendor}/src/index.ts"],`;
    const edited = withPathAlias(source, unregistered);
    expect(lineChanges(source, edited)).toEqual({ removed: [], added: [alias('tom')] });
    const lines = edited.split('\n');
    expect(lines.indexOf(alias('tom'))).toBe(
      lines.findIndex((l) => l.includes('"@fieldsync/connectors/servicetitan"')) + 1,
    );
    const last = '{ "compilerOptions": { "paths": {\n  "@fieldsync/a": ["./a"]\n} } }';
    expect(JSON.parse(withPathAlias(last, unregistered))).toEqual({
      compilerOptions: {
        paths: {
          '@fieldsync/a': ['./a'],
          '@fieldsync/connectors/tom': ['./libs/connectors/tom/src/index.ts'],
        },
      },
    });
  });

  it('refuses a file that already registers the vendor, naming the file and what it has', () => {
    const registry = withConnectorRegistered(repoFile(CONNECTOR_REGISTRY_FILE), unregistered);
    expect(() => withConnectorRegistered(registry, unregistered)).toThrow(
      `${CONNECTOR_REGISTRY_FILE} already imports @fieldsync/connectors/tom: tom is registered`,
    );
    // The list is on one line until a third connector makes prettier break it, one connector a line.
    const file = repoFile(CONNECTOR_REGISTRY_FILE);
    const listedOnly = file.includes('jobberConnector]')
      ? file.replace('jobberConnector]', 'jobberConnector, tomConnector]')
      : file.replace('  jobberConnector,\n', '  jobberConnector,\n  tomConnector,\n');
    expect(listedOnly).not.toBe(file);
    expect(() => withConnectorRegistered(listedOnly, unregistered)).toThrow('already lists tomConnector');
    const portals = withPortalRegistered(repoFile(PORTAL_REGISTRY_FILE), unregistered);
    expect(() => withPortalRegistered(portals, unregistered)).toThrow('already imports ../vendors/tom');
    const tsconfig = withPathAlias(repoFile(TSCONFIG_BASE_FILE), unregistered);
    expect(() => withPathAlias(tsconfig, unregistered)).toThrow(
      'already has the path alias @fieldsync/connectors/tom',
    );
  });

  it('refuses a file that no longer has the shape it edits, naming what it looked for', () => {
    expect(() => withConnectorRegistered("export const CONNECTORS = [];\nimport 'x';", workiz)).toThrow(
      'expected exactly one `new ConnectorRegistry([...])`',
    );
    expect(() => withPortalRegistered("import 'x';\nexport const portals = [];", workiz)).toThrow(
      'expected `function createPortals` to return the portals as an array literal',
    );
    expect(() => withPathAlias('{ "compilerOptions": {} }', workiz)).toThrow(
      'expected a `compilerOptions.paths` object',
    );
    expect(() => withPathAlias('{ "compilerOptions": ', workiz)).toThrow('is not valid JSON');
  });
});

describe('names and templates', () => {
  it('names each vendor to come as the code spells it', () => {
    expect(vendorNames('housecallpro')).toEqual({
      vendor: 'housecallpro',
      Vendor: 'HousecallPro',
      VENDOR: 'HOUSECALLPRO',
      displayName: 'Housecall Pro',
      publishedApi: 'housecall-pro/housecall-v1.yaml',
    });
    expect(vendorNames('tom')).toMatchObject({
      Vendor: 'Tom',
      displayName: 'Total Office Manager',
      publishedApi: null,
    });
  });

  it('renders every template for every vendor to come, each placeholder filled, into the two folders only', () => {
    for (const vendor of ['workiz', 'housecallpro', 'tom']) {
      const files = renderVendorFiles(vendorNames(vendor));
      for (const { file, text } of files) {
        expect([file, /\{\{|__vendor__/.test(text + file)]).toEqual([file, false]);
        expect(
          file.startsWith(`libs/connectors/${vendor}/`) ||
            file.startsWith(`apps/vendor-sandbox/src/vendors/${vendor}/`),
        ).toBe(true);
      }
      expect(files.map((f) => f.file)).toEqual(
        expect.arrayContaining([
          `libs/connectors/${vendor}/project.json`,
          `libs/connectors/${vendor}/src/${vendor}.connector.ts`,
          `libs/connectors/${vendor}/src/${vendor}.connector.spec.ts`,
          `libs/connectors/${vendor}/src/${vendor}.mapper.ts`,
          `libs/connectors/${vendor}/src/mappers/mapping.util.ts`,
          `libs/connectors/${vendor}/src/mappers/customer.mapper.ts`,
          `libs/connectors/${vendor}/src/${vendor}.readers.ts`,
          `libs/connectors/${vendor}/src/readers/stream.reader.ts`,
          `libs/connectors/${vendor}/src/readers/paging.util.ts`,
          `libs/connectors/${vendor}/src/readers/wire-record.util.ts`,
          `libs/connectors/${vendor}/src/readers/customer.reader.ts`,
          `libs/connectors/${vendor}/src/__fixtures__/${vendor}-records.fixture.json`,
          `apps/vendor-sandbox/src/vendors/${vendor}/index.ts`,
          `apps/vendor-sandbox/src/vendors/${vendor}/${vendor}.portal.spec.ts`,
        ]),
      );
    }
  });

  it('writes skeletons that say "not implemented" rather than data', () => {
    const files = renderVendorFiles(workiz);
    const text = (name: string) => files.find((f) => f.file.endsWith(name))?.text ?? '';
    for (const name of [
      'workiz.auth-flow.ts',
      'workiz.client.ts',
      'workiz.mapper.ts',
      'mappers/customer.mapper.ts',
      'readers/paging.util.ts',
      'workiz.schemas.ts',
      'write-readback.util.ts',
      'write-errors.util.ts',
      'write-totals.util.ts',
      'workiz.ground-truth.ts',
      'workiz-login.flow.ts',
    ]) {
      expect([name, text(name).includes('not implemented')]).toEqual([name, true]);
    }
    expect(JSON.parse(text('workiz-records.fixture.json'))).toEqual([]);
  });
});

describe('newVendor refuses, writing nothing', () => {
  let scratch: ScratchCheckout;
  const read = () => SHARED_FILES.map((file) => readFileSync(join(scratch.root, file), 'utf8'));

  beforeAll(() => {
    scratch = scratchCheckout(REPO, {
      copies: [...SHARED_FILES, CANONICAL_VENDORS_FILE, SANDBOX_PORTS_FILE],
      folders: ['libs/connectors', 'apps/vendor-sandbox/src/vendors'],
    });
    unregisterInScratch(scratch.root, REMOVED_VENDOR, SHARED_FILES);
  });
  afterAll(() => scratch.dispose());

  async function refusal(vendor: string): Promise<NewVendorError> {
    const before = read();
    const error = await newVendor({ root: scratch.root, vendor, format: async (text) => text }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NewVendorError);
    expect(read()).toEqual(before);
    expect(existsSync(join(scratch.root, 'libs/connectors', vendor))).toBe(vendor === 'jobber');
    return error as NewVendorError;
  }

  it('an id that is not a vendor of the canonical model, naming the ones that are', async () => {
    const error = await refusal('fieldedge');
    expect(error.code).toBe(NewVendorErrorCode.UnknownVendor);
    expect(error.message).toBe(
      `"fieldedge" is not a vendor of the canonical model: VENDORS in ${CANONICAL_VENDORS_FILE} lists servicetitan, jobber, workiz, housecallpro, tom (add a new vendor there first)`,
    );
    expect((await refusal('Workiz')).code).toBe(NewVendorErrorCode.UnknownVendor);
  });

  it('a vendor that has a connector already', async () => {
    const error = await refusal('jobber');
    expect(error.code).toBe(NewVendorErrorCode.VendorExists);
    expect(error.message).toBe(
      'jobber already has libs/connectors/jobber/: the generator lays out a vendor that has neither folder yet',
    );
  });

  it('a vendor already in a registry though it has no folder', async () => {
    const file = join(scratch.root, CONNECTOR_REGISTRY_FILE);
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, withConnectorRegistered(original, vendorNames('tom')));
    try {
      const error = await refusal('tom');
      expect(error.code).toBe(NewVendorErrorCode.VendorExists);
      expect(error.message).toContain(`${CONNECTOR_REGISTRY_FILE} already imports @fieldsync/connectors/tom`);
    } finally {
      writeFileSync(file, original);
    }
  });
});

describe('newVendor never writes outside its root', () => {
  it('refuses a shared file that is a symlink (into the checkout it was copied from)', async () => {
    const linked = scratchCheckout(REPO, {
      copies: [CONNECTOR_REGISTRY_FILE, PORTAL_REGISTRY_FILE, CANONICAL_VENDORS_FILE, SANDBOX_PORTS_FILE],
      folders: ['libs/connectors', 'apps/vendor-sandbox/src/vendors'],
    });
    unregisterInScratch(linked.root, REMOVED_VENDOR, SHARED_FILES);
    // The symlinked tsconfig.base.json points at a copy without the vendor's alias, outside the root.
    const outside = mkdtempSync(join(tmpdir(), 'fieldsync-new-vendor-outside-'));
    writeFileSync(join(outside, 'tsconfig.base.json'), repoFile(TSCONFIG_BASE_FILE));
    unlinkSync(join(linked.root, TSCONFIG_BASE_FILE));
    symlinkSync(join(outside, 'tsconfig.base.json'), join(linked.root, TSCONFIG_BASE_FILE));
    try {
      const before = readFileSync(join(outside, 'tsconfig.base.json'), 'utf8');
      const error = await newVendor({
        root: linked.root,
        vendor: 'tom',
        format: async (text) => text,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(NewVendorError);
      expect((error as NewVendorError).code).toBe(NewVendorErrorCode.UnsafeWrite);
      expect((error as NewVendorError).message).toBe(
        `${TSCONFIG_BASE_FILE} is a symlink; the generator edits only files of the root`,
      );
      expect(existsSync(join(linked.root, 'libs/connectors/tom'))).toBe(false);
      expect(readFileSync(join(outside, 'tsconfig.base.json'), 'utf8')).toBe(before);
    } finally {
      linked.dispose();
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a vendor the sandbox has no port for', async () => {
    const portless = scratchCheckout(REPO, {
      copies: [...SHARED_FILES, CANONICAL_VENDORS_FILE, SANDBOX_PORTS_FILE],
      folders: ['libs/connectors', 'apps/vendor-sandbox/src/vendors'],
    });
    unregisterInScratch(portless.root, REMOVED_VENDOR, SHARED_FILES);
    try {
      const ports = join(portless.root, SANDBOX_PORTS_FILE);
      writeFileSync(ports, readFileSync(ports, 'utf8').replace(/^\s*tom: \d+,\n/m, ''));
      const error = await newVendor({
        root: portless.root,
        vendor: 'tom',
        format: async (text) => text,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as NewVendorError).code).toBe(NewVendorErrorCode.NoPort);
      expect((error as NewVendorError).message).toBe(
        `tom has no sandbox port: add it to DEFAULT_PORTAL_PORTS in ${SANDBOX_PORTS_FILE} first`,
      );
    } finally {
      portless.dispose();
    }
  });
});

describe('lineChanges', () => {
  it('names the lines removed and added', () => {
    expect(lineChanges('a\nb\nc', 'a\nx\nc\nd')).toEqual({ removed: ['b'], added: ['x', 'd'] });
    expect(lineChanges('a', 'a')).toEqual({ removed: [], added: [] });
  });
});
