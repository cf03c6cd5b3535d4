// What every demo page shares: the navigation, the status line (progress and errors), the
// SDK options for models and wasm files served by scripts/serve-demos.mjs, the camera with
// its image-upload fallback, and the small `window.demo` summary the tests read.
import { type FrameLoop, type FrameProcessor, type FrameResult, type LoopStats, type TfjsBackendName, Webcam, drawStats, isVisionError, runLoop } from 'visionpipe';
import { modelBaseFromQuery } from './model-base';

const PAGES: ReadonlyArray<readonly [string, string]> = [
  ['./', 'Detection'],
  ['classify', 'Classification'],
  ['segment', 'Segmentation'],
  ['pose', 'Pose'],
  ['teach', 'Teach'],
  ['caption', 'Caption'],
  ['background', 'Background'],
  ['similar', 'Find similar'],
  ['hands', 'Hands'],
  ['face', 'Face'],
];

/** Query parameters: `?backend=wasm` (or `webgpu,wasm`) forces backends; `?models=/x/` moves the model base URL (same origin only). */
const params = new URLSearchParams(location.search);
const modelBase = modelBaseFromQuery(params.get('models'), location.href, '/models/');
if (modelBase.refused) console.warn(modelBase.refused);

/** The backends to try: from `?backend=`, else the SDK's default order (WebGPU → WebGL → wasm → cpu). */
export function backendOption(): TfjsBackendName[] | undefined {
  const value = params.get('backend');
  return value ? (value.split(',') as TfjsBackendName[]) : undefined;
}

/** Where the served models and tfjs wasm binaries are (see scripts/serve-demos.mjs). */
export const SDK_OPTIONS = {
  modelBaseUrl: modelBase.url,
  wasmPaths: '/wasm/',
  backend: backendOption(),
};

/** What the tests (and curious users, in the console) can read: `window.demo`. */
export interface DemoState {
  state: 'loading' | 'running' | 'error';
  source: 'camera' | 'image' | null;
  backend: string | null;
  results: number;
  summary: unknown;
  error: { code: string | null; message: string } | null;
  /** Set to true (tests, debugging) to keep the next rendered frame's pixels without and with overlays in `demo.pixels`. */
  keepPixels?: boolean;
  pixels?: { raw: ImageData; drawn: ImageData; summary: unknown };
}

export const demo: DemoState = { state: 'loading', source: null, backend: null, results: 0, summary: null, error: null };
(globalThis as unknown as { demo: DemoState }).demo = demo;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

/** Adds the navigation bar (the current page highlighted). */
export function mountNav(current: string): void {
  const nav = document.createElement('nav');
  for (const [href, title] of PAGES) {
    const link = document.createElement('a');
    link.href = href + location.search;
    link.textContent = title;
    if (title === current) link.className = 'current';
    nav.append(link);
  }
  document.querySelector('header')?.append(nav);
}

/** How long an error stays on show before live status lines may replace it (a live page updates its status every frame). */
const ERROR_HOLD_MS = 5000;
let errorShownAt = -Infinity;

/** Shows a progress or info line (it replaces an error shown before: `demo.error` is cleared). */
export function showStatus(text: string): void {
  errorShownAt = -Infinity;
  const status = element('status');
  status.textContent = text;
  status.className = 'status';
  if (demo.state === 'error') demo.state = demo.results > 0 ? 'running' : 'loading';
  demo.error = null;
}

// Set before any page's own pagehide handler runs (this module is evaluated first): the page
// disposes its pipeline there, and the frame then in flight rejects; that is leaving, not an error.
let leaving = false;
addEventListener('pagehide', () => (leaving = true));

/** Whether an error went up less than {@link ERROR_HOLD_MS} ago and no other status since (a live status line waits). */
function errorOnShow(): boolean {
  return performance.now() - errorShownAt < ERROR_HOLD_MS;
}

/** Shows an error plainly: the `VisionError` code and message, never a blank page. */
export function showError(error: unknown, context = 'Something went wrong'): void {
  if (leaving) return;
  errorShownAt = performance.now();
  const code = isVisionError(error) ? error.code : null;
  const message = error instanceof Error ? error.message : String(error);
  demo.state = 'error';
  demo.error = { code, message };
  const status = element('status');
  status.className = 'status error';
  status.textContent = `${context}${code ? ` (${code})` : ''}: ${message}`;
  console.error(error);
}

/** Sizes the canvas to the image and draws it; returns the 2D context for overlays. */
export function drawFrame(image: CanvasImageSource, width: number, height: number): CanvasRenderingContext2D {
  const canvas = element<HTMLCanvasElement>('view');
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas context');
  ctx.drawImage(image, 0, 0, width, height);
  if (demo.keepPixels) rawPixels = ctx.getImageData(0, 0, width, height);
  return ctx;
}

/** Draws the live loop statistics in the top-right corner. */
export function drawLoopStats(ctx: CanvasRenderingContext2D, stats: LoopStats, backend: string): void {
  drawStats(
    ctx,
    {
      fps: stats.processedFps,
      inputFps: stats.inputFps,
      latencyP50: stats.latency.captureToResult.p50,
      latencyP95: stats.latency.captureToResult.p95,
      droppedFrames: stats.dropped,
      backend,
    },
    { corner: 'top-right' },
  );
}

/** What a page does with a result (from the camera or an uploaded image). */
export interface PageHandlers<R> {
  /** Runs the model on one frame (live mode: tracking where the task has it). */
  processor: FrameProcessor<R>;
  /** Runs on an uploaded image. */
  runImage(image: ImageBitmap): Promise<R>;
  /** Draws the frame and the result; returns the summary the page exposes. */
  render(image: CanvasImageSource, width: number, height: number, result: R, loop: FrameLoop | null): unknown;
  /** The backend the model runs on. */
  backend: string;
  /** Progressive pipelines: the status line for the backend serving now (called after each result). */
  liveStatus?: () => { backend: string; text: string };
}

function frameSize(frame: unknown): { width: number; height: number } {
  const f = frame as { displayWidth?: number; displayHeight?: number; width?: number; height?: number };
  return { width: f.displayWidth ?? f.width ?? 0, height: f.displayHeight ?? f.height ?? 0 };
}

let rawPixels: ImageData | null = null;

function record(summary: unknown): void {
  if (demo.keepPixels && rawPixels) {
    const canvas = element<HTMLCanvasElement>('view');
    demo.pixels = { raw: rawPixels, drawn: canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height), summary };
    demo.keepPixels = false;
    rawPixels = null;
  }
  demo.results += 1;
  demo.summary = summary;
  demo.state = 'running';
}

/** The uploaded image on show and its result, drawn again by {@link redrawImage}. */
let shownImage: { bitmap: ImageBitmap; draw: () => unknown } | null = null;

/**
 * Draws the uploaded image on show again with its result (a page control changed how it is
 * drawn, e.g. the Background page's mode); nothing while the camera is live.
 */
export function redrawImage(): void {
  if (demo.source === 'image' && shownImage) record(shownImage.draw());
}

/** The live camera loop: paused while an uploaded image is on show, resumed by the panel's button. */
interface LiveCamera {
  pause(): void;
  resume(): void;
}
let liveCamera: LiveCamera | null = null;

/** A "Back to the camera" button in the upload panel (shown while an image is on show and there is a camera). */
function resumeButton(): HTMLButtonElement {
  const existing = document.getElementById('resume-camera');
  if (existing) return existing as HTMLButtonElement;
  const button = document.createElement('button');
  button.id = 'resume-camera';
  button.textContent = 'Back to the camera';
  button.hidden = true;
  button.addEventListener('click', () => {
    button.hidden = true;
    liveCamera?.resume();
  });
  element('upload-panel').append(' ', button);
  return button;
}

/**
 * Starts the page: the camera with a live loop when there is one, and the image upload in
 * any case (the fallback when the camera is denied or missing).
 */
export async function start<R>(handlers: PageHandlers<R>, webcam: Promise<Webcam>, stopPreview: () => void = () => undefined): Promise<void> {
  demo.backend = handlers.backend;
  setUpUpload(handlers);
  let cam: Webcam;
  try {
    cam = await webcam;
  } catch (error) {
    const code = isVisionError(error) ? error.code : 'CAMERA';
    showStatus(`No camera (${code}): ${error instanceof Error ? error.message : String(error)} — upload an image instead.`);
    element('upload-panel').classList.add('highlight');
    return;
  }
  demo.source = 'camera';
  showStatus(`Camera on; running on ${handlers.backend}… (a first WebGPU run can take a while: its shaders compile)`);
  let loop: FrameLoop | null = null;
  const onResult = ({ result, frame }: FrameResult<R>) => {
    if (!frame) return;
    if (demo.results === 0) stopPreview();
    const live = handlers.liveStatus?.();
    if (live) {
      demo.backend = live.backend;
      if (!errorOnShow()) showStatus(live.text); // an upload's or a frame's error stays readable a while
    } else if (demo.results === 0) {
      showStatus(`Live on ${handlers.backend}.`);
    }
    const { width, height } = frameSize(frame);
    record(handlers.render(frame as CanvasImageSource, width, height, result, loop));
  };
  const startLoop = (): void => {
    const current = runLoop(cam.frames(), handlers.processor, { policy: 'latest', onResult, onError: (error) => showError(error, 'A frame failed') });
    loop = current;
    // a loop paused for an image ends quietly; one that fails on its own is reported
    current.done.catch((error: unknown) => (loop === current ? showError(error, 'The camera loop stopped') : undefined));
  };
  liveCamera = {
    pause: () => {
      const paused = loop;
      loop = null;
      paused?.stop();
    },
    resume: () => {
      if (loop || !cam.active) return;
      demo.source = 'camera';
      showStatus(`Live on ${handlers.backend}.`);
      startLoop();
    },
  };
  startLoop();
  addEventListener('pagehide', () => {
    loop?.stop();
    cam.stop();
  });
}

function setUpUpload<R>(handlers: PageHandlers<R>): void {
  const input = element<HTMLInputElement>('upload');
  input.disabled = false;
  let latest = 0; // the newest choice wins: an earlier, slower photo must not land over it
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    input.value = ''; // choosing the same file again fires change again
    const mine = ++latest;
    let bitmap: ImageBitmap | undefined;
    try {
      showStatus(`Running on ${file.name}…`);
      bitmap = await createImageBitmap(file);
      // the live loop would draw the next camera frame over the photo: it waits until asked back
      liveCamera?.pause();
      const copy = await createImageBitmap(bitmap); // a worker pipeline may take its input
      const result = await handlers.runImage(copy);
      if (mine !== latest) {
        bitmap.close(); // a later photo was chosen meanwhile
        return;
      }
      demo.source = 'image';
      shownImage?.bitmap.close();
      const shown = bitmap;
      shownImage = { bitmap: shown, draw: () => handlers.render(shown, shown.width, shown.height, result, null) };
      record(shownImage.draw());
      showStatus(`${file.name} on ${handlers.backend}.`);
      if (liveCamera) resumeButton().hidden = false;
    } catch (error) {
      if (bitmap !== shownImage?.bitmap) bitmap?.close();
      if (mine !== latest) return; // a later photo was chosen meanwhile: its outcome is the one to show
      if (demo.source === 'camera') liveCamera?.resume(); // paused for an image that then failed
      showError(error, `Could not process ${file.name}`);
    }
  });
}

/** Opens the camera (640×480 wished). Started early so that it runs while the model loads. */
export function openCamera(): Promise<Webcam> {
  const opening = Webcam.open({ width: 640, height: 480 });
  opening.catch(() => undefined); // handled in start()
  return opening;
}

/**
 * Draws the camera's live video on the page's canvas while the model loads (from the
 * camera's stream, at display rate); the returned function stops it (call it when results come).
 */
export function previewCamera(webcam: Promise<Webcam>): () => void {
  let stopped = false;
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  const draw = () => {
    if (stopped) return;
    if (video.readyState >= 2 && video.videoWidth > 0) drawFrame(video, video.videoWidth, video.videoHeight);
    requestAnimationFrame(draw);
  };
  webcam.then(
    (cam) => {
      if (stopped) return;
      video.srcObject = cam.stream;
      video.play().then(draw, () => undefined);
    },
    () => undefined, // start() reports a missing camera
  );
  return () => {
    stopped = true;
    video.srcObject = null;
  };
}

/** Model download progress for the status line. */
export function progress(label: string): (p: { loaded: number; total?: number }) => void {
  return ({ loaded, total }) => showStatus(`Loading ${label}… ${total ? `${Math.round((100 * loaded) / total)}%` : `${(loaded / 1e6).toFixed(1)} MB`}`);
}

/** Catches anything a page's start-up throws (model load, backend) and shows it. */
export function run(main: () => Promise<void>): void {
  main().catch((error: unknown) => showError(error, 'The demo could not start'));
}

/**
 * The choice a page was opened with (`?name=` among `choices`; anything else: the first), shown by
 * the `<select id="name">`, which reloads the page with a new choice.
 *
 * @example `const model = mountQueryPicker('model', ['movenet', 'blazepose']);`
 */
export function mountQueryPicker<C extends string>(name: string, choices: readonly [C, ...C[]]): C {
  const wanted = new URLSearchParams(location.search).get(name);
  const chosen = choices.find((c) => c === wanted) ?? choices[0];
  const select = element<HTMLSelectElement>(name);
  select.value = chosen;
  select.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set(name, select.value);
    location.assign(url);
  });
  return chosen;
}
