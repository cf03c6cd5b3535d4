// Stands in for the Node built-ins ('fs', 'path', 'os', ...) that @tensorflow/tfjs-backend-wasm's
// ESM build imports at top level but only uses in Node (see scripts/serve-demos.mjs).
export default {};
