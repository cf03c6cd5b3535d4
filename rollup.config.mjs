// Builds the universal/browser entry (`visionpipe`), the synthetic test scenes
// (`visionpipe/testing`), the Node entry (`visionpipe/node`)
// and their bundled type declarations. Runtimes (tfjs, onnxruntime, comlink, sharp) and the other
// dependencies stay external: the app's bundler or Node resolves them. Dev dependencies that
// the code imports (ml-matrix, umap-js: CommonJS, which a browser cannot load through an import map;
// jsonc-parser, which finds where a file that is not JSON goes wrong)
// are bundled in.
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';
import dts from 'rollup-plugin-dts';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const deps = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];
const external = (id) => id.startsWith('node:') || deps.some((d) => id === d || id.startsWith(`${d}/`));

export default [
  {
    input: {
      index: 'src/index.ts',
      testing: 'src/testing/index.ts',
      node: 'src/node/index.ts',
      cli: 'src/node/cli.ts',
      worker: 'src/worker-entry.ts',
      'node-worker': 'src/node/worker-thread-entry.ts',
    },
    external,
    plugins: [nodeResolve(), commonjs(), esbuild({ target: 'es2022', sourceMap: true })],
    output: { dir: 'dist', format: 'es', sourcemap: true, chunkFileNames: '[name]-[hash].js', hoistTransitiveImports: false },
  },
  {
    input: { index: 'src/index.ts', testing: 'src/testing/index.ts', node: 'src/node/index.ts' },
    external,
    plugins: [dts()],
    output: { dir: 'dist', format: 'es' },
  },
];
