// Shapes of what `window.rt` (pages/realtime.js) returns, as the Node-side tests see them.
import type { LoopStats } from '../../src/camera/index';
import type { WorkerMemory } from '../../src/worker/index';

export interface PlainError {
  name: string;
  code: string | null;
  message: string;
  isVisionError: boolean;
}

export interface PlainDetection {
  box: { x1: number; y1: number; x2: number; y2: number };
  score: number;
  classId: number;
  label: string;
  trackId: number | null;
}

export interface PlainResult {
  imageSize: { width: number; height: number };
  timing: { preprocess: number; inference: number; postprocess: number; total: number };
  detections: PlainDetection[];
}

export interface PlainPoseResult {
  timing: { preprocess: number; inference: number; postprocess: number; total: number };
  poses: { score: number; keypoints: { x: number; y: number; score: number }[] }[];
}

export interface RealtimeHarness {
  env(): { crossOriginIsolated: boolean; trackProcessor: boolean; videoFrame: boolean; webgpu: boolean };
  open(options?: object): { width: number; height: number; frameRate: number; deviceId: string; devices: number; active: boolean };
  openError(options?: object): { ok: true } | ({ ok: false } & PlainError);
  grab(): { type: string; timestamp: number; width: number; height: number };
  createWorker(name: string, options?: { timeoutMs?: number }): { name: string };
  createRemote(name: string, backend: string, options?: { worker?: string; timeoutMs?: number; model?: string }): { backend: string; externalTexture: boolean | null; ms: number };
  createLocal(name: string, backend: string): { backend: string };
  detectSnapshot(name: string): PlainResult & { ms: number; detached: boolean };
  exitAndRun(name: string, workerName: string): { run: { ok: true; detections: number } | ({ ok: false } & PlainError); failures: number; restarts: number; lastError: PlainError | null };
  loopFile(base64: string, ms: number): { timestamps: number[]; dropped: number };
  appClosesWorker(): { second: { ok: true } | ({ ok: false } & PlainError); failures: number; restarts: number; lastError: PlainError | null };
  relativeUrls(workerUrl: string): { ok: true; backend: string; imageSize: { width: number; height: number } } | ({ ok: false } & PlainError);
  srcdocRelativeUrls(): { href: string; inThread: { ok: true } | ({ ok: false } & PlainError); worker: { ok: true } | ({ ok: false } & PlainError) };
  trainerRelativeUrls(workerUrl: string): Record<'images' | 'gestures', { ok: true; backend: string } | ({ ok: false } & PlainError)>;
  handOverRefused(): { code: string | null; width: number }[];
  missingWorkerScript(): PlainError | null;
  batchHandOver(): [{ handedFirst: true; code: string | null; width: number }, { handedFirst: false; code: string | null; width: number }, { embeddings: number; dim: number; callerOpen: boolean }];
  track(name: string, count: number, options?: { policy?: string; maxMs?: number; maxQueue?: number }): {
    results: (PlainResult & { timestamp: number; latency: number; frameType: string | null })[];
    errors: PlainError[];
    stats: LoopStats;
  };
  slowLoop(name: string, ms: number, extraDelay?: number): { stats: LoopStats; longTasks: number; longestTask: number };
  shareCamera(ms: number): { frames: number; refusal: PlainError | null; refusedClosed: boolean; heldOpen: boolean };
  latestHold(ms: number, holdMs: number): LoopStats;
  latestFastFrames(ms: number): { own: number; copies: number; processed: number };
  crashMidStream(name: string, worker: string, busyMs: number, after: number): {
    results: number[];
    errors: (PlainError & { timestamp: number })[];
    crashAt: number | null;
    crash: PlainError | null;
    failures: number;
    restarts: number;
    lastError: PlainError | null;
    stats: LoopStats;
  };
  terminateInFlight(name: string): { settled: 'resolved' | 'rejected' | 'pending' } & Partial<PlainError>;
  memory(name: string): WorkerMemory;
  workerMemory(worker: string): WorkerMemory;
  dispose(name: string): void;
  terminate(worker: string): void;
  stopCamera(): { states: string[]; active: boolean };
  unplug(): { ok: true; processed: number } | ({ ok: false } & PlainError);
  cameraEdges(): {
    stoppedTrack: Record<'processor' | 'bitmap' | 'fromMediaStream', { ok: true; processed: number } | ({ ok: false } & PlainError)>;
    switched: ({ ok: true } | ({ ok: false } & PlainError)) & { streams: number; states: string[] };
    aborted: { closed: boolean; done: boolean };
    noFrameCallback: Record<'video' | 'bitmap', { ok: true } | ({ ok: false } & PlainError)>;
  };
  localMemory(): { numTensors: number };
  cameraSamplePaths(): { format: string; yuvPath: boolean; mean: number; yuv: { mean: number; p99: number }; canvas: { mean: number; p99: number } };
  poseCapture(url: string): { runs: Record<string, PlainPoseResult[]>; leaked: number };
  bench(task: string, mode: 'main' | 'worker', ms: number, warmup?: number): { backend: string; stats: LoopStats; longTasks: number; longestTask: number };
}
