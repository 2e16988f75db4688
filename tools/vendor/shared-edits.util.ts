import * as ts from 'typescript';
import { NewVendorError, NewVendorErrorCode } from './new-vendor.error';
import type { VendorNames } from './vendor-names.util';

/*
 * The three shared lines a new vendor needs, each edited on the parsed file rather than by pattern: the
 * connector registry's list (libs/connector-registry/src/connectors.registry.ts), the sandbox's portal list
 * (apps/vendor-sandbox/src/portal/portal.registry.ts), each with its import, and the path alias in
 * tsconfig.base.json. Each edit refuses a file that already names the vendor, or that no longer has the
 * shape it edits (naming what it looked for), and inserts text in the file's own layout: a new line in a
 * list written one element a line, `, element` in a list written on one line. Prettier runs afterwards.
 */

export const CONNECTOR_REGISTRY_FILE = 'libs/connector-registry/src/connectors.registry.ts';
export const PORTAL_REGISTRY_FILE = 'apps/vendor-sandbox/src/portal/portal.registry.ts';
export const TSCONFIG_BASE_FILE = 'tsconfig.base.json';

interface Insertion {
  readonly at: number;
  readonly text: string;
}

function unexpected(file: string, what: string): NewVendorError {
  return new NewVendorError(NewVendorErrorCode.UnexpectedShape, `${file}: ${what}`);
}

function alreadyThere(file: string, vendor: string, what: string): NewVendorError {
  return new NewVendorError(
    NewVendorErrorCode.VendorExists,
    `${file} already ${what}: ${vendor} is registered`,
  );
}

function applied(source: string, insertions: readonly Insertion[]): string {
  let out = source;
  for (const { at, text } of [...insertions].sort((a, b) => b.at - a.at)) {
    out = out.slice(0, at) + text + out.slice(at);
  }
  return out;
}

function parse(file: string, source: string): ts.SourceFile {
  return ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function lineOf(sf: ts.SourceFile, position: number): number {
  return sf.getLineAndCharacterOfPosition(position).line;
}

/** The whitespace a line starts with. */
function indentAt(sf: ts.SourceFile, position: number): string {
  const start = sf.getPositionOfLineAndCharacter(lineOf(sf, position), 0);
  return /^[ \t]*/.exec(sf.text.slice(start))?.[0] ?? '';
}

/** Appends `text` to a list (array elements, object properties) in the list's own layout. */
function appendToList(
  sf: ts.SourceFile,
  open: ts.Node,
  list: ts.NodeArray<ts.Node>,
  text: string,
): Insertion {
  const last = list[list.length - 1];
  if (last === undefined) return { at: open.getStart(sf) + 1, text };
  const first = list[0] ?? last;
  const oneLine = lineOf(sf, first.getStart(sf)) === lineOf(sf, open.getStart(sf));
  if (oneLine) return { at: last.getEnd(), text: `, ${text}` };
  const indent = indentAt(sf, last.getStart(sf));
  if (list.hasTrailingComma) {
    const comma = sf.text.indexOf(',', last.getEnd());
    return { at: comma + 1, text: `\n${indent}${text},` };
  }
  return { at: last.getEnd(), text: `,\n${indent}${text}` };
}

/** Inserts `text` before an element of a list written one element a line (or appends it). */
function insertIntoList(
  sf: ts.SourceFile,
  open: ts.Node,
  list: ts.NodeArray<ts.Node>,
  index: number,
  text: string,
): Insertion {
  const before = list[index];
  if (before === undefined) return appendToList(sf, open, list, text);
  const first = list[0] ?? before;
  if (lineOf(sf, first.getStart(sf)) === lineOf(sf, open.getStart(sf))) {
    return { at: before.getStart(sf), text: `${text}, ` };
  }
  return { at: before.getStart(sf), text: `${text},\n${indentAt(sf, before.getStart(sf))}` };
}

function moduleOf(statement: ts.Statement): string | undefined {
  return ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)
    ? statement.moduleSpecifier.text
    : undefined;
}

/**
 * The import line, placed among the file's imports from `group` (e.g. `@fieldsync/connectors/`) in sorted
 * order, or after the last import when the group has none.
 */
function importInsertion(
  sf: ts.SourceFile,
  file: string,
  line: string,
  from: string,
  group: string,
): Insertion {
  const imports = sf.statements.filter((s) => moduleOf(s) !== undefined);
  const lastImport = imports[imports.length - 1];
  if (lastImport === undefined) throw unexpected(file, 'has no import to place the new one beside');
  const grouped = imports.filter((s) => moduleOf(s)?.startsWith(group));
  const next = grouped.find((s) => (moduleOf(s) ?? '') > from);
  if (next !== undefined) return { at: next.getStart(sf), text: `${line}\n` };
  return { at: (grouped[grouped.length - 1] ?? lastImport).getEnd(), text: `\n${line}` };
}

function findNode<T extends ts.Node>(root: ts.Node, match: (node: ts.Node) => node is T): T[] {
  const found: T[] = [];
  const visit = (node: ts.Node): void => {
    if (match(node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(root);
  return found;
}

/** `new ConnectorRegistry([...])`: its list of connectors. */
function connectorList(sf: ts.SourceFile, file: string): ts.ArrayLiteralExpression {
  const lists = findNode(
    sf,
    (node): node is ts.NewExpression =>
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'ConnectorRegistry',
  )
    .map((node) => node.arguments?.[0])
    .filter((arg): arg is ts.ArrayLiteralExpression => arg !== undefined && ts.isArrayLiteralExpression(arg));
  const [list, ...more] = lists;
  if (list === undefined || more.length > 0) {
    throw unexpected(
      file,
      'expected exactly one `new ConnectorRegistry([...])` with the connectors listed in it',
    );
  }
  return list;
}

/** The array `createPortals` returns. */
function portalList(sf: ts.SourceFile, file: string): ts.ArrayLiteralExpression {
  const fn = sf.statements.find(
    (s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === 'createPortals',
  );
  const returned = fn?.body?.statements.find((s): s is ts.ReturnStatement =>
    ts.isReturnStatement(s),
  )?.expression;
  if (returned === undefined || !ts.isArrayLiteralExpression(returned)) {
    throw unexpected(file, 'expected `function createPortals` to return the portals as an array literal');
  }
  return returned;
}

const mentions = (list: ts.ArrayLiteralExpression, sf: ts.SourceFile, name: string): boolean =>
  list.elements.some((element) => new RegExp(`\\b${name}\\b`).test(element.getText(sf)));

/** connectors.registry.ts with `import { <vendor>Connector } …` and `<vendor>Connector` at the end of the list. */
export function withConnectorRegistered(source: string, names: VendorNames): string {
  const file = CONNECTOR_REGISTRY_FILE;
  const sf = parse(file, source);
  const from = `@fieldsync/connectors/${names.vendor}`;
  const identifier = `${names.vendor}Connector`;
  const list = connectorList(sf, file);
  if (sf.statements.some((s) => moduleOf(s) === from))
    throw alreadyThere(file, names.vendor, `imports ${from}`);
  if (mentions(list, sf, identifier)) throw alreadyThere(file, names.vendor, `lists ${identifier}`);
  const edited = applied(source, [
    importInsertion(sf, file, `import { ${identifier} } from '${from}';`, from, '@fieldsync/connectors/'),
    appendToList(sf, list, list.elements, identifier),
  ]);
  const after = connectorList(parse(file, edited), file);
  if (after.elements.length !== list.elements.length + 1)
    throw unexpected(file, 'the edit did not add one connector');
  return edited;
}

/** portal.registry.ts with `import { create<Vendor>Portal } …` and `create<Vendor>Portal()` at the end of the list. */
export function withPortalRegistered(source: string, names: VendorNames): string {
  const file = PORTAL_REGISTRY_FILE;
  const sf = parse(file, source);
  const from = `../vendors/${names.vendor}`;
  const factory = `create${names.Vendor}Portal`;
  const list = portalList(sf, file);
  if (sf.statements.some((s) => moduleOf(s) === from))
    throw alreadyThere(file, names.vendor, `imports ${from}`);
  if (mentions(list, sf, factory)) throw alreadyThere(file, names.vendor, `lists ${factory}()`);
  const edited = applied(source, [
    importInsertion(sf, file, `import { ${factory} } from '${from}';`, from, '../vendors/'),
    appendToList(sf, list, list.elements, `${factory}()`),
  ]);
  const after = portalList(parse(file, edited), file);
  if (after.elements.length !== list.elements.length + 1)
    throw unexpected(file, 'the edit did not add one portal');
  return edited;
}

/** The `compilerOptions.paths` object of tsconfig.base.json, from its JSON syntax tree. */
function pathsObject(sf: ts.JsonSourceFile, file: string): ts.ObjectLiteralExpression {
  const property = (object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined =>
    object.properties
      .filter(ts.isPropertyAssignment)
      .find((p) => (ts.isStringLiteral(p.name) ? p.name.text : p.name.getText(sf)) === name)?.initializer;
  const top = sf.statements[0]?.expression;
  const options = top && ts.isObjectLiteralExpression(top) ? property(top, 'compilerOptions') : undefined;
  const paths = options && ts.isObjectLiteralExpression(options) ? property(options, 'paths') : undefined;
  if (paths === undefined || !ts.isObjectLiteralExpression(paths)) {
    throw unexpected(file, 'expected a `compilerOptions.paths` object');
  }
  return paths;
}

function pathKeys(sf: ts.JsonSourceFile, paths: ts.ObjectLiteralExpression): string[] {
  return paths.properties
    .filter(ts.isPropertyAssignment)
    .map((p) => (ts.isStringLiteral(p.name) ? p.name.text : p.name.getText(sf)));
}

/** tsconfig.base.json's `compilerOptions.paths` keys, or why they cannot be read. */
function aliasesOf(
  file: string,
  source: string,
): { sf: ts.JsonSourceFile; paths: ts.ObjectLiteralExpression; keys: string[] } {
  if (ts.parseConfigFileTextToJson(file, source).error !== undefined)
    throw unexpected(file, 'is not valid JSON');
  const sf = ts.parseJsonText(file, source);
  const paths = pathsObject(sf, file);
  return { sf, paths, keys: pathKeys(sf, paths) };
}

/** tsconfig.base.json with `"@fieldsync/connectors/<vendor>": ["./libs/connectors/<vendor>/src/index.ts"]`, in key order. */
export function withPathAlias(source: string, names: VendorNames): string {
  const file = TSCONFIG_BASE_FILE;
  const { sf, paths, keys } = aliasesOf(file, source);
  const alias = `@fieldsync/connectors/${names.vendor}`;
  if (keys.includes(alias)) throw alreadyThere(file, names.vendor, `has the path alias ${alias}`);
  const line = `"${alias}": ["./libs/connectors/${names.vendor}/src/index.ts"]`;
  const index = keys.findIndex((key) => key > alias);
  const edited = applied(source, [
    index === -1
      ? appendToList(sf, paths, paths.properties, line)
      : insertIntoList(sf, paths, paths.properties, index, line),
  ]);
  const after = aliasesOf(file, edited).keys;
  if (after.length !== keys.length + 1 || !after.includes(alias)) {
    throw unexpected(file, 'the edit did not add one path alias');
  }
  return edited;
}
