// Stands in for Node built-ins ('fs', 'path', 'os', 'perf_hooks', 'worker_threads') that
// @tensorflow/tfjs-backend-wasm's ESM build imports at top level but only uses in Node.
export default {};
