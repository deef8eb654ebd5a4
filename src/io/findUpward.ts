/** Finding a project file by name in a folder or the nearest folder above it. */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The nearest file called `fileName` in `from` or a folder above it, or `undefined`. */
export function findUpward(fileName: string, from: string = process.cwd()): string | undefined {
  let folder = resolve(from);
  for (;;) {
    const candidate = join(folder, fileName);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}
