// Types of `window.harness` (pages/harness.js) as the Node-side tests see them. Keep in
// step with harness.js: it is plain JS so that the page runs untranspiled.

/** The input forms harness.js can build from a photo. */
export type InputKind = 'image' | 'bitmap' | 'canvas' | 'offscreen' | 'imagedata' | 'videoframe' | 'raw' | 'tensor';

/** Corner-format box in pixels (or 0–1 when normalised). */
export interface PlainBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface PlainDetection {
  box: PlainBox;
  boxNormalized: PlainBox;
  score: number;
  classId: number;
  label: string;
}

export interface DetectOutcome {
  imageSize: { width: number; height: number };
  detections: PlainDetection[];
  ms: number;
  /** tf.memory().numTensors right after the run. */
  numTensors: number;
  /** What came back to the CPU during the run: canvas/WebGL pixel readbacks, GPU buffers mapped (count, largest in bytes). */
  readbacks: { getImageData: number; readPixels: number; mapAsync: number; largestMap: number };
}

export interface PlainError {
  name: string;
  code: string | null;
  message: string;
}

export type FormOutcome = ({ ok: true } & DetectOutcome) | { ok: false; error: PlainError };

export interface ClassifyOutcome {
  classes: { label: string; classId: number; score: number }[];
  numTensors: number;
}

export interface CreateOutcome {
  id: number;
  backend: string;
  tfBackend: string;
  progress: { loaded: number; total: number | null }[];
  ms: number;
}

export type AttemptOutcome = { ok: true } | ({ ok: false; isVisionError: boolean } & PlainError);

export interface ClosedInputsOutcome {
  closedBitmap: AttemptOutcome;
  closedFrame: AttemptOutcome;
  tensorsBefore: number;
  tensorsAfterErrors: number;
  next: DetectOutcome;
}

export interface LeakOutcome {
  afterOne: number;
  afterMore: number;
  runs: number;
}

export type OnnxOutcome =
  | {
      ok: true;
      backend: string;
      input: { name: string; shape: number[]; dtype: string };
      outName: string;
      dtype: string;
      dims: number[];
      data: number[];
      ms: number;
    }
  | { ok: false; error: PlainError };

export interface PageEnv {
  crossOriginIsolated: boolean;
  webgpu: boolean;
  tfBackend: string | null;
  userAgent: string;
}

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean | null;
}

/** The SDK's tfjs-wasm kernels on a page: status, tfjs' thread support, values off a JavaScript reference per op. */
export interface WasmKernelsOutcome {
  status: { replaced: string[]; simd: boolean | null; sharedMemory: boolean | null };
  threads: boolean;
  mismatches: Record<'batchNorm' | 'maximum' | 'equal' | 'channelAdd' | 'slice', number>;
}

export type Task = 'object-detection' | 'image-classification';

/** What pages/harness.js puts on `window.harness`. */
export interface Harness {
  backend: string;
  env(): PageEnv;
  adapterInfo(): Promise<AdapterInfo | null>;
  fusedGraph(json: unknown, weightBytes: number[], inputShape: number[]): Promise<FusedGraphOutcome>;
  wasmKernels(): Promise<WasmKernelsOutcome>;
  create(task: Task, extra?: { cache?: boolean | string; backend?: string; modelBaseUrl?: string }): Promise<CreateOutcome>;
  dispose(id: number): void;
  detect(id: number, photo: number, kind?: InputKind): Promise<DetectOutcome>;
  detectForms(id: number, photo: number, kinds: InputKind[]): Promise<Record<string, FormOutcome>>;
  classify(id: number, photo: number, kind?: InputKind): Promise<ClassifyOutcome>;
  closedInputs(id: number, photo: number): Promise<ClosedInputsOutcome>;
  leak(id: number, photo: number, more: number): Promise<LeakOutcome>;
  onnx(executionProviders: string[]): Promise<OnnxOutcome>;
  onnxHalf(modelBytes: number[], values: number[]): Promise<OnnxHalfOutcome>;
  memory(): { numTensors: number; numBytes: number };
}

/** `harness.onnxHalf`: a float16 model run on onnxruntime-web's wasm EP with float32 feeds. */
export type OnnxHalfOutcome =
  | { ok: true; hasFloat16Array: boolean; inputDtype: string; dtype: string; dataType: string; data: number[] }
  | { ok: false; error: { name: string; code?: string; message: string } };

/** `harness.fusedGraph`: a graph run fused at load and as converted on the page's backend. */
export interface FusedGraphOutcome {
  tfBackend: string;
  fusedOps: string[];
  maxDiff: number;
  largest: number;
  numTensors: number;
}
