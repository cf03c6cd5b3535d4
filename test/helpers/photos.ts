import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Real group photos (3–5 people with glasses, cups, phones) shipped in @vladmandic/face-api. */
export function facePhoto(n: 1 | 2 | 3 | 4 | 5 | 6): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', `sample${n}.jpg`);
}

/** A file inside an installed npm package. */
export function packageFile(pkg: string, path: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), path);
}
