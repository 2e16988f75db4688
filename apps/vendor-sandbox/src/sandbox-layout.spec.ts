import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

/*
 * The sandbox's layout, as the design has it: `vendors/<vendor>/` holds everything of one vendor,
 * `portal/` only what every vendor shares, and no import cycle anywhere in src (type-only imports
 * count: a cycle of types is still two files that cannot be read or moved one without the other).
 */

const SRC = __dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The src files a file imports or re-exports from (relative specifiers; packages and libs are not src). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((specifier) => specifier.startsWith('./') || specifier.startsWith('../'))
    .map((specifier) => {
      const base = resolve(dirname(file), specifier);
      const found = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
      if (!found) throw new Error(`${relative(SRC, file)}: cannot resolve ${specifier}`);
      return found;
    });
}

const graph = new Map(sourceFiles(SRC).map((file) => [file, importsOf(file)]));
const rel = (file: string) => relative(SRC, file);

describe('vendor-sandbox source layout', () => {
  it('has no import cycle, type-only imports included', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].map(rel).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('keeps portal/ free of vendor code: only the registry imports from vendors/, through their index.ts', () => {
    const registry = join(SRC, 'portal', 'portal.registry.ts');
    const fromPortal = [...graph]
      .filter(([file]) => file.startsWith(`${join(SRC, 'portal')}/`))
      .flatMap(([file, imports]) =>
        imports.filter((i) => i.startsWith(`${join(SRC, 'vendors')}/`)).map((i) => [file, i] as const),
      );
    expect(fromPortal.filter(([file]) => file !== registry).map(([f, i]) => `${rel(f)} → ${rel(i)}`)).toEqual(
      [],
    );
    expect(fromPortal.length).toBeGreaterThan(0);
  });

  it('reaches a vendor folder from outside only through its index.ts', () => {
    const vendorOf = (file: string): string | undefined => /^vendors\/([^/]+)\//.exec(rel(file))?.[1];
    const deep = [...graph].flatMap(([file, imports]) =>
      imports
        .filter((i) => {
          const vendor = vendorOf(i);
          return vendor !== undefined && vendorOf(file) !== vendor && rel(i) !== `vendors/${vendor}/index.ts`;
        })
        .map((i) => `${rel(file)} → ${rel(i)}`),
    );
    expect(deep).toEqual([]);
  });

  it('reads every file it checks (the graph is not empty by a wrong root)', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get(join(SRC, 'portal', 'portal.registry.ts'))?.length).toBeGreaterThan(0);
  });
});
