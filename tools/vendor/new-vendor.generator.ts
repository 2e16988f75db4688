import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';
import { lineChanges } from './line-diff.util';
import { NewVendorError, NewVendorErrorCode } from './new-vendor.error';
import {
  CONNECTOR_REGISTRY_FILE,
  PORTAL_REGISTRY_FILE,
  TSCONFIG_BASE_FILE,
  withConnectorRegistered,
  withPathAlias,
  withPortalRegistered,
} from './shared-edits.util';
import { templateValues, VENDOR_ID_PATTERN, vendorNames, type VendorNames } from './vendor-names.util';

/*
 * `npm run new:vendor -- <vendor>`: lays out a vendor that has neither folder yet (DESIGN "The vendor
 * plug-in"): libs/connectors/<vendor>/ and apps/vendor-sandbox/src/vendors/<vendor>/ from the templates in
 * tools/vendor/templates/ (compiling skeletons that say "not implemented" when called, and contract specs
 * that fail until the vendor is done), plus one line and its import in each registry and the path alias.
 * Everything is read, checked, rendered and formatted before the first write, so a refusal leaves the
 * checkout as it was.
 */

/** Read: the vendors there are. */
export const CANONICAL_VENDORS_FILE = 'libs/canonical-model/src/common/vendor.schema.ts';
/** Read: each vendor's sandbox port. */
export const SANDBOX_PORTS_FILE = 'apps/vendor-sandbox/src/portal/vendor-ids.constants.ts';
/** Edited: one line each (plus an import in the two registries). */
export const SHARED_FILES = [CONNECTOR_REGISTRY_FILE, PORTAL_REGISTRY_FILE, TSCONFIG_BASE_FILE] as const;

export const TEMPLATES_DIR = join(__dirname, 'templates');
/** Template folder → where it is laid out, `__vendor__` standing for the id in paths. */
const TEMPLATE_TARGETS = [
  { templates: 'connector', target: 'libs/connectors/__vendor__' },
  { templates: 'sandbox', target: 'apps/vendor-sandbox/src/vendors/__vendor__' },
] as const;

export type Formatter = (text: string, absolutePath: string) => Promise<string>;

export interface NewVendorOptions {
  /** The checkout to lay the vendor out in (a scratch copy in tests). */
  readonly root: string;
  readonly vendor: string;
  /** Default: Prettier with the configuration it finds for the file (the repo's .prettierrc.json). */
  readonly format?: Formatter;
}

export interface SharedEdit {
  /** Relative to the root. */
  readonly file: string;
  readonly removed: readonly string[];
  readonly added: readonly string[];
}

export interface NewVendorReport {
  readonly names: VendorNames;
  /** Every file written, relative to the root, sorted. */
  readonly created: readonly string[];
  readonly edited: readonly SharedEdit[];
}

interface PlannedFile {
  readonly file: string;
  readonly text: string;
}

const prettierFormat: Formatter = async (text, absolutePath) => {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(absolutePath)) ?? {};
  return prettier.format(text, { ...config, filepath: absolutePath });
};

function readShared(root: string, file: string): string {
  const path = join(root, file);
  if (!existsSync(path))
    throw new NewVendorError(NewVendorErrorCode.UnexpectedShape, `${file} not found under ${root}`);
  return readFileSync(path, 'utf8');
}

/** The string elements of `const <name> = [...]` (with or without `as const`) in a source file. */
function stringArray(root: string, file: string, name: string): string[] {
  const sf = ts.createSourceFile(file, readShared(root, file), ts.ScriptTarget.Latest, true);
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || declaration.name.text !== name) continue;
      let init = declaration.initializer;
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = init.expression;
      if (init && ts.isArrayLiteralExpression(init) && init.elements.every(ts.isStringLiteral)) {
        return init.elements.map((e) => (e as ts.StringLiteral).text);
      }
    }
  }
  throw new NewVendorError(
    NewVendorErrorCode.UnexpectedShape,
    `${file}: expected \`const ${name} = [...]\` of strings`,
  );
}

/** The keys of `const <name>: … = { key: …, … }` in a source file. */
function objectKeys(root: string, file: string, name: string): string[] {
  const sf = ts.createSourceFile(file, readShared(root, file), ts.ScriptTarget.Latest, true);
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || declaration.name.text !== name) continue;
      const init = declaration.initializer;
      if (init && ts.isObjectLiteralExpression(init)) {
        return init.properties.flatMap((p) =>
          p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? [p.name.text] : [],
        );
      }
    }
  }
  throw new NewVendorError(NewVendorErrorCode.UnexpectedShape, `${file}: expected \`const ${name} = { … }\``);
}

/** Refuses an id that is not a vendor of the canonical model, or one that already has either folder. */
function checkVendor(root: string, vendor: string): VendorNames {
  const vendors = stringArray(root, CANONICAL_VENDORS_FILE, 'VENDORS');
  if (!vendors.includes(vendor)) {
    throw new NewVendorError(
      NewVendorErrorCode.UnknownVendor,
      `"${vendor}" is not a vendor of the canonical model: VENDORS in ${CANONICAL_VENDORS_FILE} lists ${vendors.join(', ')} (add a new vendor there first)`,
    );
  }
  if (!VENDOR_ID_PATTERN.test(vendor)) {
    throw new NewVendorError(
      NewVendorErrorCode.UnknownVendor,
      `"${vendor}" cannot name files and identifiers: the generator takes ids of lower-case letters and digits`,
    );
  }
  for (const { target } of TEMPLATE_TARGETS) {
    const folder = target.replace('__vendor__', vendor);
    if (existsSync(join(root, folder))) {
      throw new NewVendorError(
        NewVendorErrorCode.VendorExists,
        `${vendor} already has ${folder}/: the generator lays out a vendor that has neither folder yet`,
      );
    }
  }
  if (!objectKeys(root, SANDBOX_PORTS_FILE, 'DEFAULT_PORTAL_PORTS').includes(vendor)) {
    throw new NewVendorError(
      NewVendorErrorCode.NoPort,
      `${vendor} has no sandbox port: add it to DEFAULT_PORTAL_PORTS in ${SANDBOX_PORTS_FILE} first`,
    );
  }
  return vendorNames(vendor);
}

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return templateFiles(path);
      return entry.name.endsWith('.tmpl') ? [path] : [];
    })
    .sort();
}

/** A template with its `{{placeholders}}` filled; an unknown placeholder is a defect of the template. */
export function renderTemplate(
  text: string,
  values: Readonly<Record<string, string>>,
  template: string,
): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${template}: unknown placeholder {{${key}}}`);
    return value;
  });
}

/** Every file of the two vendor folders, rendered (not yet formatted). */
export function renderVendorFiles(names: VendorNames): PlannedFile[] {
  const values = templateValues(names);
  return TEMPLATE_TARGETS.flatMap(({ templates, target }) => {
    const dir = join(TEMPLATES_DIR, templates);
    return templateFiles(dir).map((template) => {
      const file = join(target, relative(dir, template))
        .replace(/\.tmpl$/, '')
        .split('__vendor__')
        .join(names.vendor);
      return {
        file,
        text: renderTemplate(readFileSync(template, 'utf8'), values, relative(TEMPLATES_DIR, template)),
      };
    });
  });
}

/** Refuses a write that would land outside the root (through a symlink) or replace a file it did not mean to. */
function checkWritable(root: string, file: string, mayExist: boolean): void {
  const path = join(root, file);
  if (!mayExist && existsSync(path)) {
    throw new NewVendorError(
      NewVendorErrorCode.UnsafeWrite,
      `${file} exists already; the generator does not overwrite it`,
    );
  }
  if (mayExist && lstatSync(path).isSymbolicLink()) {
    throw new NewVendorError(
      NewVendorErrorCode.UnsafeWrite,
      `${file} is a symlink; the generator edits only files of the root`,
    );
  }
  let existing = path;
  while (!existsSync(existing)) existing = dirname(existing);
  const real = realpathSync(existing);
  const rootReal = realpathSync(root);
  if (real !== rootReal && !real.startsWith(`${rootReal}${sep}`)) {
    throw new NewVendorError(
      NewVendorErrorCode.UnsafeWrite,
      `${file} would be written outside ${root} (through ${existing})`,
    );
  }
}

/**
 * Lays out `vendor` in `root`: refuses (NewVendorError, nothing written) an id that is not a canonical
 * vendor, a vendor that has either folder or is registered already, a sandbox without a port for it, or
 * shared files that are not in the shape it edits.
 */
export async function newVendor(options: NewVendorOptions): Promise<NewVendorReport> {
  const root = resolve(options.root);
  const format = options.format ?? prettierFormat;
  const names = checkVendor(root, options.vendor);

  const before = new Map<string, string>(SHARED_FILES.map((file) => [file, readShared(root, file)]));
  const edits: Record<(typeof SHARED_FILES)[number], (source: string, names: VendorNames) => string> = {
    [CONNECTOR_REGISTRY_FILE]: withConnectorRegistered,
    [PORTAL_REGISTRY_FILE]: withPortalRegistered,
    [TSCONFIG_BASE_FILE]: withPathAlias,
  };
  const shared = SHARED_FILES.map((file) => ({ file, text: edits[file](before.get(file) ?? '', names) }));
  const created = renderVendorFiles(names);

  const formatted = async ({ file, text }: PlannedFile): Promise<PlannedFile> => ({
    file,
    text: await format(text, join(root, file)),
  });
  const plannedCreated = await Promise.all(created.map(formatted));
  const plannedShared = await Promise.all(shared.map(formatted));
  for (const { file } of plannedCreated) checkWritable(root, file, false);
  for (const { file } of plannedShared) checkWritable(root, file, true);

  for (const { file, text } of plannedCreated) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text, { flag: 'wx' });
  }
  for (const { file, text } of plannedShared) writeFileSync(join(root, file), text);

  return {
    names,
    created: plannedCreated.map((f) => f.file).sort(),
    edited: plannedShared.map(({ file, text }) => ({ file, ...lineChanges(before.get(file) ?? '', text) })),
  };
}
