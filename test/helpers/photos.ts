import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** A file inside an installed npm package (works for packages whose `exports` hide package.json). */
export function packageFile(pkg: string, path: string): string {
  for (const folder of require.resolve.paths(pkg) ?? []) {
    if (existsSync(join(folder, pkg, 'package.json'))) return join(folder, pkg, path);
  }
  throw new Error(`package ${pkg} is not installed`);
}

/** Real group photos (3–5 people with glasses, cups, phones) shipped in @vladmandic/face-api. */
export function facePhoto(n: 1 | 2 | 3 | 4 | 5 | 6): string {
  return packageFile('@vladmandic/face-api', `demo/sample${n}.jpg`);
}

/** A committed test photo from test/fixtures/images (scikit-image samples: astronaut, chelsea, coffee). */
export function fixturePhoto(name: 'astronaut' | 'chelsea' | 'coffee'): string {
  const beside = fileURLToPath(new URL(`../fixtures/images/${name}.jpg`, import.meta.url));
  // bundled copies (the benches in .cache/bench/) resolve from the repository root instead
  return existsSync(beside) ? beside : join(process.cwd(), 'test/fixtures/images', `${name}.jpg`);
}
