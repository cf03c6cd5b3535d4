// Teach a classifier: samples from the webcam (or uploaded photos) for 2–3 named classes →
// createTrainingWorker embeds them and trains a head in a Web Worker (live loss / accuracy
// plot; the main thread only draws) → the worker classifies the live stream.
import { type ClassificationResult, type EpochLog, type TrainingWorker, createTrainingWorker, drawCaption, handOver, isVisionError } from 'visionpipe';
import { type DemoState, SDK_OPTIONS, demo, drawFrame, mountNav, openCamera, run, showError, showStatus } from './shared/common';
import { cameraVideo } from './shared/camera-video';
import { showClassTable } from './shared/class-table';
import { TrainingPlot } from './shared/plot';

mountNav('Teach');

/** What this page adds to `window.demo` (read by the tests). */
interface TeachState {
  counts: number[];
  training: 'idle' | 'running' | 'done' | 'cancelled' | 'failed';
  epochs: EpochLog[];
  batches: number;
  /** performance.now() at the start and end of the last training run. */
  trainWindow: { start: number; end: number | null } | null;
  /** Main-thread tasks of 50 ms or more (PerformanceObserver 'longtask'). */
  longTasks: { start: number; duration: number }[];
  /** Frames of 50 ms or more (PerformanceObserver 'long-animation-frame') and the page scripts that ran in them, with their time. */
  longFrames: { start: number; duration: number; scripts: { name: string; ms: number }[] }[];
  saved: string | null;
}

const CLASSES = 3;
const SAVE_NAME = 'visionpipe-teach';
const teach: TeachState = { counts: [], training: 'idle', epochs: [], batches: 0, trainWindow: null, longTasks: [], longFrames: [], saved: null };
(demo as DemoState & { teach: TeachState }).teach = teach;

try {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) teach.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
} catch {
  console.warn('this browser does not report long tasks');
}

/** The part of a 'long-animation-frame' entry read here (not in every TypeScript DOM library yet). */
interface LongFrameEntry {
  startTime: number;
  duration: number;
  scripts: { invoker: string; sourceFunctionName: string; duration: number }[];
}
try {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as unknown as LongFrameEntry[]) {
      const scripts = entry.scripts.map((s) => ({ name: `${s.invoker} ${s.sourceFunctionName}`.trim(), ms: Math.round(s.duration) }));
      teach.longFrames.push({ start: entry.startTime, duration: entry.duration, scripts });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
} catch {
  console.warn('this browser does not report long animation frames');
}

const $ = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
};
const button = (id: string) => $<HTMLButtonElement | HTMLInputElement>(id);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bumped to stop the live classification loop (each loop runs while it holds the current number). */
let liveRun = 0;

/** The live view is the <video> element itself (the browser composites it: no per-frame work here); uploads go on the canvas. */
function showLive(video: HTMLVideoElement | null, live: boolean): void {
  video?.toggleAttribute('hidden', !live);
  $('view').toggleAttribute('hidden', live);
}

function showLabel(text: string): void {
  const label = $('label');
  label.textContent = text;
  label.hidden = text === '';
}

function showResult(result: ClassificationResult, source: 'camera' | 'image'): void {
  const top = result.classes[0];
  showLabel(top ? `${top.label} ${(top.score * 100).toFixed(0)}%` : '');
  showClassTable($('output'), result.classes);
  demo.source = source;
  demo.summary = result.classes.map(({ label, score }) => ({ label, score }));
  demo.results += 1;
  demo.state = 'running';
}

/** The camera's current frame, to transfer: a `VideoFrame` (no pixel copy here) where there is one. */
async function grab(video: HTMLVideoElement): Promise<VideoFrame | ImageBitmap> {
  return handOver(typeof VideoFrame === 'function' ? new VideoFrame(video) : await createImageBitmap(video));
}

/** The newest of the updates asked for before the next animation frame (progress arrives faster than it can be shown). */
let pendingUpdate: (() => void) | null = null;
function onNextFrame(update: () => void): void {
  if (!pendingUpdate) {
    requestAnimationFrame(() => {
      const run = pendingUpdate;
      pendingUpdate = null;
      run?.();
    });
  }
  pendingUpdate = update;
}

/**
 * Sends `count` camera frames of class `id` to the worker one by one (a `VideoFrame` is
 * transferred without copying pixels; the worker embeds it while the next one is taken).
 */
async function captureSamples(trainer: TrainingWorker, video: HTMLVideoElement, id: number, count: number): Promise<number[]> {
  let counts = teach.counts;
  for (let i = 0; i < count; i++) {
    counts = await trainer.addSamples(await grab(video), id);
    setCounts(counts);
    showStatus(`Captured ${i + 1}/${count}…`);
    await sleep(100);
  }
  return counts;
}

/** Classifies the live stream in the worker until `liveRun` moves on. */
async function classifyLive(trainer: TrainingWorker, video: HTMLVideoElement): Promise<void> {
  const mine = ++liveRun;
  showLive(video, true);
  try {
    while (mine === liveRun) {
      const result = await trainer.run(await grab(video));
      if (mine === liveRun) showResult(result, 'camera');
    }
  } catch (error) {
    if (mine === liveRun) showError(error, 'Live classification stopped');
  }
}

function classNames(): string[] {
  const last = teach.counts.reduce((max, n, id) => (n > 0 ? id : max), -1);
  return Array.from({ length: Math.max(last + 1, 2) }, (_, id) => $<HTMLInputElement>(`name-${id}`).value.trim() || `class ${id + 1}`);
}

function setCounts(counts: number[]): void {
  teach.counts = counts;
  for (let id = 0; id < CLASSES; id++) $(`count-${id}`).textContent = String(counts[id] ?? 0);
}

async function train(trainer: TrainingWorker, plot: TrainingPlot, signal: AbortSignal): Promise<boolean> {
  const labels = classNames();
  const short = labels.flatMap((name, id) => ((teach.counts[id] ?? 0) < 2 ? [`'${name}' has ${teach.counts[id] ?? 0}`] : []));
  if (short.length > 0) {
    // a step not taken yet, said as a hint (the worker would refuse it as INVALID_INPUT)
    showStatus(`Add at least 2 samples to each class before training (${short.join(', ')}).`);
    return false;
  }
  const epochs = Math.max(1, Math.min(200, Number($<HTMLInputElement>('epochs').value) || 15));
  const progress = $<HTMLProgressElement>('progress');
  Object.assign(teach, { training: 'running', epochs: [], batches: 0, trainWindow: { start: performance.now(), end: null } });
  plot.clear();
  showStatus(`Training ${labels.join(' / ')} in the worker…`);
  try {
    const summary = await trainer.train({
      labels,
      epochs,
      seed: 1,
      signal,
      onBatchEnd: (log) => {
        teach.batches += 1;
        plot.addBatch(log);
        onNextFrame(() => (progress.value = log.progress));
      },
      onEpochEnd: (log) => {
        teach.epochs.push(log);
        plot.addEpoch(log);
        const val = log.valAccuracy === undefined ? '' : `, val accuracy ${(log.valAccuracy * 100).toFixed(0)}%`;
        onNextFrame(() => {
          progress.value = log.progress;
          showStatus(`Epoch ${log.epoch + 1}/${epochs}: loss ${log.loss.toFixed(3)}, accuracy ${(log.accuracy * 100).toFixed(0)}%${val}`);
        });
      },
    });
    teach.training = 'done';
    progress.value = 1;
    const last = summary.history.at(-1);
    showStatus(`Trained on ${summary.samples.train} samples (${summary.samples.validation} held out) in ${(summary.elapsedMs / 1000).toFixed(1)} s${last?.valAccuracy === undefined ? '' : `: val accuracy ${(last.valAccuracy * 100).toFixed(0)}%`}. Classifying…`);
    return true;
  } catch (error) {
    if (isVisionError(error, 'ABORTED')) {
      teach.training = 'cancelled';
      showStatus('Training cancelled; the previous classifier, if there is one, is still in use.');
    } else {
      teach.training = 'failed';
      showError(error, 'Training failed');
    }
    return false;
  } finally {
    pendingUpdate = null; // a queued epoch line must not overwrite the outcome
    if (teach.trainWindow) teach.trainWindow.end = performance.now();
  }
}

run(async () => {
  const camera = openCamera();
  showStatus('Starting the training worker and loading MobileNetV2…');
  const trainer = await createTrainingWorker({ ...SDK_OPTIONS, workerUrl: new URL('./worker.js', import.meta.url) });
  addEventListener('pagehide', () => trainer.dispose());
  demo.backend = trainer.backend;
  const video = await cameraVideo(camera, 'add photos for each class instead.');
  if (video) {
    $('view').before(video);
    showLive(video, true);
  }
  if (video) showStatus(`Ready (worker on ${trainer.backend}). Name the classes, add samples, then train.`);
  const plot = new TrainingPlot($<HTMLCanvasElement>('plot'));
  let trained = false;
  $<HTMLFieldSetElement>('classes').disabled = false;
  $<HTMLFieldSetElement>('training').disabled = false;

  const addSamples = async (images: () => Promise<number[]>) => {
    try {
      setCounts(await images());
      showStatus(`${teach.counts.map((n, i) => `${$<HTMLInputElement>(`name-${i}`).value}: ${n}`).join(', ')} samples.`);
    } catch (error) {
      showError(error, 'Could not add the samples');
    }
  };
  for (let id = 0; id < CLASSES; id++) {
    button(`collect-${id}`).addEventListener('click', async () => {
      if (!video) return;
      const b = button(`collect-${id}`);
      b.disabled = true;
      await addSamples(() => captureSamples(trainer, video, id, Math.max(1, Math.min(50, Number($<HTMLInputElement>('per-click').value) || 10))));
      b.disabled = false;
    });
    const files = $<HTMLInputElement>(`files-${id}`);
    files.addEventListener('change', () =>
      void addSamples(async () => {
        const bitmaps = await Promise.all([...(files.files ?? [])].map((file) => createImageBitmap(file)));
        showStatus(`Embedding ${bitmaps.length} photos of '${classNames()[id] ?? `class ${id + 1}`}' in the worker…`);
        return trainer.addSamples(bitmaps.map(handOver), id);
      }),
    );
  }

  let controller: AbortController | null = null;
  button('train').addEventListener('click', async () => {
    liveRun++; // the worker trains undisturbed; live classification resumes after
    controller = new AbortController();
    button('train').disabled = true;
    button('cancel').disabled = false;
    const ok = await train(trainer, plot, controller.signal);
    trained ||= ok;
    button('train').disabled = false;
    button('cancel').disabled = true;
    for (const id of ['save-idb', 'save-file', 'upload']) button(id).disabled = !trained;
    if (trained && video) void classifyLive(trainer, video);
  });
  button('cancel').addEventListener('click', () => controller?.abort());
  $('view').addEventListener('click', () => {
    if (trained && video) void classifyLive(trainer, video);
  });

  const save = (url: string) => async () => {
    try {
      await trainer.save(url);
      teach.saved = url;
      showStatus(url.startsWith('indexeddb') ? `Saved: load it in your app with loadClassifier('${url}').` : `Downloaded ${SAVE_NAME}.json and ${SAVE_NAME}.weights.bin.`);
    } catch (error) {
      showError(error, 'Saving failed');
    }
  };
  button('save-idb').addEventListener('click', save(`indexeddb://${SAVE_NAME}`));
  button('save-file').addEventListener('click', save(`downloads://${SAVE_NAME}`));

  const upload = $<HTMLInputElement>('upload');
  let latest = 0; // the newest choice wins: an earlier, slower photo must not land over it
  upload.addEventListener('change', async () => {
    const file = upload.files?.[0];
    if (!file) return;
    const mine = ++latest;
    const wasLive = video !== null && !video.hidden;
    try {
      liveRun++;
      const bitmap = await createImageBitmap(file);
      const result = await trainer.run(bitmap);
      if (mine !== latest) return; // a later photo was chosen meanwhile
      showLive(video, false);
      const ctx = drawFrame(bitmap, bitmap.width, bitmap.height);
      showResult(result, 'image');
      showLabel('');
      drawCaption(ctx, `${result.classes[0].label} ${(result.classes[0].score * 100).toFixed(0)}%`, { position: 'bottom' });
      showStatus(`${file.name}: ${result.classes[0].label}.${video ? ' Click the picture to go back to the camera.' : ''}`);
    } catch (error) {
      if (mine !== latest) return;
      showError(error, `Could not classify ${file.name}`);
      // live classification was stopped for the photo: it goes on (a frozen label sat on the moving video)
      if (wasLive && video) void classifyLive(trainer, video);
    }
  });
});
