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
  // DESIGN.md: "everything above but worker, node". worker/ and node/ are listed below pipelines/
  // in its table, so "above" there means every other layer except worker/ and node/ (not just
  // the rows above); this list is a subset of that, so it needs no exception (track/ serves
  // detection's ByteTrack and pose's One-Euro video modes)
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

/** Packages that only exist in Node (optional dependencies loaded by the Node platform). */
const NODE_ONLY_PACKAGES = ['sharp', 'onnxruntime-node', '@napi-rs/canvas'];

/** Modules that only run in a browser: the Web Worker script. */
const BROWSER_ONLY = '^src/worker-entry\\.ts$';

const layerRules = Object.entries(MAY_IMPORT).map(([folder, allowed]) => ({
  name: `layer-${folder}`,
  comment: `src/${folder}/ may import only ${allowed.length > 0 ? allowed.join(', ') : 'nothing else in src'} (DESIGN.md layout table)`,
  severity: 'error',
  from: { path: `^src/${folder}/` },
  to: { path: '^src/', pathNot: `^src/(${[folder, ...allowed].join('|')})/` },
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
