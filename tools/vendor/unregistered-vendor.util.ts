import { lstatSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vendorNames } from './vendor-names.util';

/*
 * For the generator's specs once every canonical vendor has its plug-in: the checkout as it was before
 * one vendor was added (its import and list line in each registry and its path alias taken out, its two
 * folders left out of a scratch copy), so the generator can be proven on that vendor again.
 */

/** The vendor the specs lay out again: the last one added. */
export const REMOVED_VENDOR = 'tom';

/** `text` of a shared file without `vendor`'s import, list entry or path alias lines. */
export function withoutVendor(text: string, vendor: string): string {
  const { Vendor } = vendorNames(vendor);
  const registration = [
    new RegExp(`^import \\{ \\w+ \\} from '(@fieldsync/connectors/${vendor}|\\.\\./vendors/${vendor})';$`),
    new RegExp(`^${vendor}Connector,$`),
    new RegExp(`^create${Vendor}Portal\\([^)]*\\),$`),
    new RegExp(`^"@fieldsync/connectors/${vendor}": `),
  ];
  return text
    .split('\n')
    .filter((line) => !registration.some((r) => r.test(line.trim())))
    .join('\n');
}

/**
 * A scratch checkout (scratch-checkout.util.ts) as it was before `vendor`: its copies of `files` without
 * the vendor's lines, and the symlinks to the vendor's two folders removed (never what they point to).
 */
export function unregisterInScratch(root: string, vendor: string, files: readonly string[]): void {
  for (const file of files) {
    const path = join(root, file);
    if (lstatSync(path).isSymbolicLink()) continue;
    writeFileSync(path, withoutVendor(readFileSync(path, 'utf8'), vendor));
  }
  for (const folder of [`libs/connectors/${vendor}`, `apps/vendor-sandbox/src/vendors/${vendor}`]) {
    const path = join(root, folder);
    if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(path);
  }
}
