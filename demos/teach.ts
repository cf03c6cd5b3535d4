// Teach a classifier: samples from the webcam (or uploaded photos) for 2–3 named classes →
// createTrainingWorker embeds them and trains a head in a Web Worker (live loss / accuracy
// plot; the main thread only draws) → the worker classifies the live stream.
import { type ClassificationResult, type EpochLog, type TrainingWorker, createTrainingWorker, drawCaption, handOver, isVisionError } from 'visionpipe';
import { type DemoState, SDK_OPTIONS, demo, drawFrame, mountNav, openCamera, run, showError, showStatus } from './shared/common';
import { cameraVideo } from './shared/camera-video';
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
  saved: string | null;
}

const CLASSES = 3;
const SAVE_NAME = 'visionpipe-teach';
const teach: TeachState = { counts: [], training: 'idle', epochs: [], batches: 0, trainWindow: null, longTasks: [], saved: null };
(demo as DemoState & { teach: TeachState }).teach = teach;

try {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) teach.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
} catch {
  console.warn('this browser does not report long tasks');
}

const $ = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
};
const button = (id: string) => $<HTMLButtonElement | HTMLInputElement>(id);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The latest prediction, drawn over the live preview. */
let latest = '';
let classifying = false;

function showResult(result: ClassificationResult, source: 'camera' | 'image'): void {
  const top = result.classes[0];
  latest = top ? `${top.label} ${(top.score * 100).toFixed(0)}%` : '';
  const output = $('output');
  output.innerHTML = '';
  const table = document.createElement('table');
  for (const { label, score } of result.classes) {
    const row = table.insertRow();
    row.insertCell().textContent = label;
    row.insertCell().textContent = `${(score * 100).toFixed(1)}%`;
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.width = `${Math.round(score * 200)}px`;
    row.insertCell().append(bar);
  }
  output.append(table);
  demo.source = source;
  demo.summary = result.classes.map(({ label, score }) => ({ label, score }));
  demo.results += 1;
  demo.state = 'running';
}

/** Draws the camera on the canvas with the latest prediction, every animation frame. */
function preview(video: HTMLVideoElement): void {
  const draw = () => {
    if (video.videoWidth > 0) {
      const ctx = drawFrame(video, video.videoWidth, video.videoHeight);
      if (latest) drawCaption(ctx, latest, { position: 'bottom' });
    }
    requestAnimationFrame(draw);
  };
  requestAnimationFrame(draw);
}

/** Grabs `count` frames from the video, ~8 per second. */
async function grabFrames(video: HTMLVideoElement, count: number): Promise<ImageBitmap[]> {
  const frames: ImageBitmap[] = [];
  for (let i = 0; i < count; i++) {
    frames.push(await createImageBitmap(video));
    showStatus(`Captured ${i + 1}/${count}…`);
    await sleep(120);
  }
  return frames;
}

/** Classifies the live stream in the worker until `classifying` turns false. */
async function classifyLive(trainer: TrainingWorker, video: HTMLVideoElement): Promise<void> {
  if (classifying) return;
  classifying = true;
  try {
    while (classifying) showResult(await trainer.run(handOver(await createImageBitmap(video))), 'camera');
  } catch (error) {
    showError(error, 'Live classification stopped');
  } finally {
    classifying = false;
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
        progress.value = log.progress;
        plot.addBatch(log);
      },
      onEpochEnd: (log) => {
        teach.epochs.push(log);
        plot.addEpoch(log);
        const val = log.valAccuracy === undefined ? '' : `, val accuracy ${(log.valAccuracy * 100).toFixed(0)}%`;
        showStatus(`Epoch ${log.epoch + 1}/${epochs}: loss ${log.loss.toFixed(3)}, accuracy ${(log.accuracy * 100).toFixed(0)}%${val}`);
      },
    });
    teach.training = 'done';
    const last = summary.history.at(-1);
    showStatus(`Trained on ${summary.samples.train} samples (${summary.samples.validation} held out) in ${(summary.elapsedMs / 1000).toFixed(1)} s${last?.valAccuracy === undefined ? '' : `: val accuracy ${(last.valAccuracy * 100).toFixed(0)}%`}. Classifying…`);
    return true;
  } catch (error) {
    if (isVisionError(error, 'ABORTED')) {
      teach.training = 'cancelled';
      showStatus('Training cancelled; the previous classifier (if any) is still in use.');
    } else {
      teach.training = 'failed';
      showError(error, 'Training failed');
    }
    return false;
  } finally {
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
  if (video) preview(video);
  if (video) showStatus(`Ready (worker on ${trainer.backend}). Name the classes, add samples, then train.`);
  const plot = new TrainingPlot($<HTMLCanvasElement>('plot'));
  let trained = false;
  $<HTMLFieldSetElement>('classes').disabled = false;
  $<HTMLFieldSetElement>('training').disabled = false;

  const addSamples = async (id: number, images: Promise<ImageBitmap[]>) => {
    try {
      const bitmaps = await images;
      showStatus(`Embedding ${bitmaps.length} samples of '${classNames()[id] ?? `class ${id + 1}`}' in the worker…`);
      setCounts(await trainer.addSamples(bitmaps.map(handOver), id));
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
      await addSamples(id, grabFrames(video, Math.max(1, Number($<HTMLInputElement>('per-click').value) || 10)));
      b.disabled = false;
    });
    const files = $<HTMLInputElement>(`files-${id}`);
    files.addEventListener('change', () => void addSamples(id, Promise.all([...(files.files ?? [])].map((file) => createImageBitmap(file)))));
  }

  let controller: AbortController | null = null;
  button('train').addEventListener('click', async () => {
    classifying = false; // the worker trains undisturbed; live classification resumes after
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
  upload.addEventListener('change', async () => {
    const file = upload.files?.[0];
    if (!file) return;
    try {
      classifying = false;
      const bitmap = await createImageBitmap(file);
      const result = await trainer.run(bitmap);
      latest = '';
      const ctx = drawFrame(bitmap, bitmap.width, bitmap.height);
      showResult(result, 'image');
      drawCaption(ctx, `${result.classes[0].label} ${(result.classes[0].score * 100).toFixed(0)}%`, { position: 'bottom' });
      showStatus(`${file.name}: ${result.classes[0].label}.`);
    } catch (error) {
      showError(error, `Could not classify ${file.name}`);
    }
  });
});
