import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** What a checkout holds that a scratch copy never needs. */
const LEFT_OUT = new Set(['.git', '.nx', '.fieldsync', 'dist', 'tmp', 'coverage']);

export interface ScratchCheckout {
  readonly root: string;
  /** Removes the scratch folder (its symlinks are unlinked, never followed). */
  dispose(): void;
}

/**
 * A scratch copy of a checkout for running the generator against: the files it may change (`copies`) are
 * real copies, the folders it creates files in (`folders`) and every folder on the way to either are real
 * folders, and everything else is a symlink to the checkout (node_modules, the other libraries and
 * vendors), so that compiling and testing in the copy sees the real code. The generator refuses to write
 * through a symlink, so the checkout itself cannot change.
 */
export function scratchCheckout(
  checkout: string,
  options: { readonly copies: readonly string[]; readonly folders: readonly string[] },
): ScratchCheckout {
  const root = mkdtempSync(join(tmpdir(), 'fieldsync-new-vendor-'));
  const copies = new Set(options.copies);
  const realFolders = new Set<string>();
  for (const path of [...options.copies.map(dirname), ...options.folders]) {
    for (let folder = path; folder !== '.' && folder !== ''; folder = dirname(folder))
      realFolders.add(folder);
  }
  const mirror = (folder: string): void => {
    for (const entry of readdirSync(join(checkout, folder), { withFileTypes: true })) {
      if (LEFT_OUT.has(entry.name)) continue;
      const path = folder === '' ? entry.name : join(folder, entry.name);
      if (copies.has(path)) {
        copyFileSync(join(checkout, path), join(root, path));
      } else if (realFolders.has(path)) {
        mkdirSync(join(root, path));
        mirror(path);
      } else {
        symlinkSync(join(checkout, path), join(root, path));
      }
    }
  };
  try {
    mirror('');
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
