/**
 * What a worker's WebGPU adapter says about itself (`GPUAdapter.info`), so that the calling side
 * can tell a real GPU from a software one (SwiftShader, llvmpipe, WARP), which runs shaders on
 * the CPU and is usually slower than WebAssembly.
 *
 * @example
 * ```ts
 * const facts: GpuAdapterFacts = { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true, software: true };
 * ```
 */
export interface GpuAdapterFacts {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  /** The adapter's own flag (`info.isFallbackAdapter`; Chromium 156 sets it on SwiftShader), or null where not exposed. */
  readonly isFallbackAdapter: boolean | null;
  /** A software adapter: the fallback flag is set, or vendor / architecture / description name a CPU renderer. */
  readonly software: boolean;
}

/** The shape of `GPUAdapterInfo` read here (older browsers put `isFallbackAdapter` on the adapter). */
interface AdapterLike {
  readonly info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
}

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|lavapipe|softpipe|\bwarp\b|microsoft basic render/i;

/**
 * The facts of an adapter, or null when it exposes no `info`.
 *
 * @example
 * ```ts
 * const facts = describeGpuAdapter(await navigator.gpu.requestAdapter());
 * if (facts?.software) console.log('WebGPU runs on the CPU here');
 * ```
 */
export function describeGpuAdapter(adapter: AdapterLike | null | undefined): GpuAdapterFacts | null {
  const info = adapter?.info;
  if (!info) return null;
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const description = info.description ?? '';
  const flag = info.isFallbackAdapter ?? adapter?.isFallbackAdapter;
  const isFallbackAdapter = typeof flag === 'boolean' ? flag : null;
  const software = isFallbackAdapter === true || SOFTWARE_RENDERERS.test(`${vendor} ${architecture} ${description}`);
  return { vendor, architecture, description, isFallbackAdapter, software };
}

/**
 * Asks this thread's `navigator.gpu` for its default adapter (the one tfjs-webgpu and
 * onnxruntime-web's webgpu EP use) and describes it; null where WebGPU is missing or no
 * adapter comes back.
 *
 * @example
 * ```ts
 * const facts = await probeGpuAdapter();
 * ```
 */
export async function probeGpuAdapter(): Promise<GpuAdapterFacts | null> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<AdapterLike | null> } } | undefined)?.gpu;
  if (!gpu) return null;
  try {
    return describeGpuAdapter(await gpu.requestAdapter());
  } catch {
    return null;
  }
}
