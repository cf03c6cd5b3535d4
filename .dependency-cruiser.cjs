// The house rules of shared/DESIGN.md ("Layout" and "Rules of the house"), checked by
// dependency-cruiser in test/architecture.test.ts: no import cycles (type-only imports
// included), each folder of src/ imports only what its "may import" column allows, node/ is
// reached only from Node entries, and universal code never reaches Node-only modules.

/** Folder of src/ → the folders it may import besides itself (from DESIGN.md's table). */
const MAY_IMPORT = {
  core: [],
  runtime: ['core'],
  preprocess: ['core', 'runtime'],
  postprocess: ['core'],
  models: ['core'],
  // the layers above it in DESIGN.md's table, and track/ (detection's ByteTrack and pose's One-Euro video modes)
  pipelines: ['core', 'runtime', 'preprocess', 'postprocess', 'models', 'track'],
  camera: ['core'],
  worker: ['core', 'pipelines', 'camera', 'runtime', 'models'],
  track: ['core'],
  render: ['core'],
  training: ['core', 'runtime', 'models'],
  explain: ['core', 'runtime', 'preprocess', 'postprocess', 'pipelines'],
  eval: ['core'],
  testing: ['core', 'runtime', 'preprocess', 'postprocess', 'models', 'pipelines', 'camera', 'track', 'render', 'training', 'eval'],
};

/**
 * Narrower rooms inside a folder with a wider column: training's worker composes the training
 * code with the pipeline worker (it hosts a classification pipeline and talks over a
 * VisionWorker), so it may also import those.
 */
const SUBFOLDER_MAY_IMPORT = {
  'training/worker': ['core', 'runtime', 'models', 'training', 'pipelines', 'camera', 'worker'],
};

/**
 * Single modules outside a folder's column that it imports today, each named (not whole
 * folders) so the list cannot grow unnoticed: training datasets turn images into the
 * backbone's input exactly as the pipelines do (preprocess's image-to-tensor and fit), and the
 * k-NN head and `evaluateClassifier` score with eval's one accuracy function.
 */
const ACCEPTED_MODULES = {
  training: ['src/eval/classification.ts', 'src/preprocess/prepare.ts', 'src/preprocess/to-tensor.ts'],
};

/** Packages that only exist in Node (optional dependencies loaded by the Node platform). */
const NODE_ONLY_PACKAGES = ['sharp', 'onnxruntime-node', '@napi-rs/canvas'];

/** Modules that only run in a browser: the Web Worker script. */
const BROWSER_ONLY = '^src/worker-entry\\.ts$';

const exactly = (file) => `^${file.replace(/[.]/g, '\\.')}$`;

const layerRules = Object.entries(MAY_IMPORT).map(([folder, allowed]) => ({
  name: `layer-${folder}`,
  comment: `src/${folder}/ may import only ${allowed.length > 0 ? allowed.join(', ') : 'nothing else in src'} (DESIGN.md layout table)`,
  severity: 'error',
  from: {
    path: `^src/${folder}/`,
    pathNot: Object.keys(SUBFOLDER_MAY_IMPORT)
      .filter((sub) => sub.startsWith(`${folder}/`))
      .map((sub) => `^src/${sub}/`),
  },
  to: { path: '^src/', pathNot: [`^src/(${[folder, ...allowed].join('|')})/`, ...(ACCEPTED_MODULES[folder] ?? []).map(exactly)] },
}));

const subfolderRules = Object.entries(SUBFOLDER_MAY_IMPORT).map(([sub, allowed]) => ({
  name: `layer-${sub.replace('/', '-')}`,
  comment: `src/${sub}/ may import only ${allowed.join(', ')}`,
  severity: 'error',
  from: { path: `^src/${sub}/` },
  to: { path: '^src/', pathNot: `^src/(${[sub.split('/')[0], ...allowed].join('|')})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles, type-only imports included (DESIGN.md, rules of the house)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
    ...subfolderRules,
    {
      name: 'top-level-not-node',
      comment: 'The universal entries (src/index.ts, src/pipeline.ts, src/worker-entry.ts, …) never import node/',
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: '^src/node/' },
    },
    {
      name: 'universal-not-node-builtins',
      comment: 'Code outside node/ runs in browsers too: no Node built-ins (node/ loads them); types are fine',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/node/' },
      to: { dependencyTypes: ['core'], dependencyTypesNot: ['type-only', 'type-import'] },
    },
    {
      name: 'universal-not-node-packages',
      comment: 'Code outside node/ never imports the Node-only packages (the Node platform loads them)',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/node/' },
      to: { path: `^node_modules/(${NODE_ONLY_PACKAGES.join('|')})/` },
    },
    {
      name: 'node-not-browser-only',
      comment: 'The Node entry never imports browser-only modules (the Web Worker script)',
      severity: 'error',
      from: { path: '^src/node/' },
      to: { path: BROWSER_ONLY },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import of src/ resolves (a rule that names a path that is not there checks nothing)',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
