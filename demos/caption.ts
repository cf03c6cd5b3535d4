// Captioning without a pretrained model: a small visionpipe captioner that the demo server
// trained on generated shape scenes (see shared/caption-model.ts) captions new scenes — also
// subject combinations it never saw — and, in its own little vocabulary, uploads and webcam
// frames. A user's own ONNX VisionEncoderDecoder export can replace it for real photos.
import { Captioner, type ImageToTextPipeline, type SavedCaptioner, VisionError, drawCaption, pipeline, selectTfjsBackend } from 'visionpipe';
import { CAPTION_SCENE_SIZE, type CaptionScene, captionScenes } from 'visionpipe/testing';
import { type DemoState, SDK_OPTIONS, demo, drawFrame, mountNav, openCamera, run, showError, showStatus } from './shared/common';
import { cameraVideo } from './shared/camera-video';

mountNav('Caption');

/** What this page adds to `window.demo` (read by the tests). */
interface CaptionState {
  /** Captioned scenes, newest first: ground truth, caption, whether its subject combination was held out of training. */
  scenes: { truth: string; caption: string; unseen: boolean }[];
  /** The model that captions uploads and webcam frames. */
  model: string;
  /** The last caption of an upload or webcam frame. */
  caption: string | null;
}

const state: CaptionState = { scenes: [], model: 'shape-scene captioner', caption: null };
(demo as DemoState & { caption: CaptionState }).caption = state;

const $ = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ServerStatus {
  state?: 'training' | 'failed';
  epoch?: number;
  epochs?: number;
  loss?: number;
  message?: string;
}

/** The trained captioner from the demo server, waiting (with progress) while it trains on first start. */
async function fetchCaptioner(): Promise<SavedCaptioner> {
  for (;;) {
    const response = await fetch('/captioner/captioner.json');
    if (response.status === 200) return (await response.json()) as SavedCaptioner;
    const body = (await response.json().catch(() => ({}))) as ServerStatus;
    if (response.status === 202 && body.state === 'training') {
      const loss = body.loss === undefined ? '' : `, loss ${body.loss.toFixed(3)}`;
      showStatus(`The demo server is training the shape-scene captioner (first start only, about a minute): epoch ${body.epoch ?? 0}/${body.epochs ?? '?'}${loss}…`);
      await sleep(1000);
      continue;
    }
    throw new VisionError('MODEL_LOAD_FAILED', `the demo captioner is not available (HTTP ${response.status}): ${body.message ?? response.statusText}`);
  }
}

/** A 32×32 scene on a canvas (shown enlarged, pixelated). */
function sceneCanvas(scene: CaptionScene): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = CAPTION_SCENE_SIZE;
  canvas.height = CAPTION_SCENE_SIZE;
  const pixels = new ImageData(CAPTION_SCENE_SIZE, CAPTION_SCENE_SIZE);
  for (let i = 0; i < CAPTION_SCENE_SIZE * CAPTION_SCENE_SIZE; i++) {
    pixels.data.set([scene.image.data[i * 3], scene.image.data[i * 3 + 1], scene.image.data[i * 3 + 2], 255], i * 4);
  }
  canvas.getContext('2d')?.putImageData(pixels, 0, 0);
  return canvas;
}

/** Generates, captions and shows one scene (newest first). */
async function addScene(model: ImageToTextPipeline, seed: number, unseen: boolean): Promise<void> {
  const [scene] = captionScenes(1, seed, unseen ? 'test' : 'train');
  const { text } = await model.run(scene.image);
  const figure = document.createElement('figure');
  const caption = document.createElement('figcaption');
  caption.textContent = `${text === scene.caption ? '✓' : '✗'} ${text}`;
  caption.title = `truth: ${scene.caption}`;
  const truth = document.createElement('div');
  truth.className = 'about';
  truth.textContent = `truth: ${scene.caption}${unseen ? ' (unseen combination)' : ''}`;
  figure.append(sceneCanvas(scene), caption, truth);
  $('scenes').prepend(figure);
  state.scenes.unshift({ truth: scene.caption, caption: text, unseen });
  demo.summary = state.scenes;
  demo.results += 1;
  demo.state = 'running';
}

/** Captions a bitmap with the active model and draws it with its caption. */
async function captionImage(model: ImageToTextPipeline, bitmap: ImageBitmap, source: 'camera' | 'image'): Promise<void> {
  const { text } = await model.run(bitmap);
  const ctx = drawFrame(bitmap, bitmap.width, bitmap.height);
  drawCaption(ctx, text, { position: 'bottom' });
  $('output').textContent = `${state.model}: “${text}”`;
  state.caption = text;
  demo.source = source;
  demo.results += 1;
  demo.state = 'running';
}

run(async () => {
  const camera = openCamera();
  showStatus('Fetching the shape-scene captioner…');
  const saved = await fetchCaptioner();
  demo.backend = await selectTfjsBackend({ backend: SDK_OPTIONS.backend, wasmPaths: SDK_OPTIONS.wasmPaths });
  const captioner = Captioner.load(saved);
  const scenes = await pipeline('image-to-text', { model: captioner.toCaptionModel(), maxTokens: 12 });
  addEventListener('pagehide', () => {
    scenes.dispose();
    captioner.dispose();
  });
  let active: ImageToTextPipeline = scenes;
  let seed = 1000; // the training scenes use seed 11: these are new images
  for (let i = 0; i < 4; i++) await addScene(scenes, seed++, false);
  showStatus(`Captioner ready (${captioner.params.count()} weights, ${demo.backend}). Try new scenes, your webcam or an image.`);

  const newScene = $<HTMLButtonElement>('new-scene');
  newScene.disabled = false;
  newScene.addEventListener('click', () => addScene(scenes, seed++, $<HTMLInputElement>('unseen').checked).catch((error: unknown) => showError(error, 'Captioning failed')));

  const upload = $<HTMLInputElement>('upload');
  upload.disabled = false;
  upload.addEventListener('change', async () => {
    const file = upload.files?.[0];
    if (!file) return;
    try {
      await captionImage(active, await createImageBitmap(file), 'image');
      showStatus(`${file.name} captioned by the ${state.model}.`);
    } catch (error) {
      showError(error, `Could not caption ${file.name}`);
    }
  });

  $<HTMLFormElement>('ved-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const raw = $<HTMLInputElement>('ved-url').value.trim();
    if (!raw) return;
    const base = raw.endsWith('/') ? raw : `${raw}/`;
    try {
      showStatus(`Loading the ONNX export from ${base}…`);
      const ved = await pipeline('image-to-text', { encoder: `${base}encoder_model.onnx`, decoder: `${base}decoder_model.onnx`, tokenizer: `${base}tokenizer.json` });
      if (active !== scenes) active.dispose();
      active = ved;
      state.model = `ONNX export ${base}`;
      $('model-name').textContent = `Using: ${state.model}`;
      showStatus(`Loaded ${base}: uploads and webcam frames are captioned with it (scenes still use the shape-scene captioner).`);
    } catch (error) {
      showError(error, `Could not load the ONNX export from ${base}`);
    }
  });
  $<HTMLButtonElement>('ved-load').disabled = false;

  const video = await cameraVideo(camera, 'upload an image instead.');
  if (!video) return;
  const snap = $<HTMLButtonElement>('snap');
  snap.disabled = false;
  snap.addEventListener('click', async () => {
    try {
      await captionImage(active, await createImageBitmap(video), 'camera');
      showStatus(`Webcam frame captioned by the ${state.model}.`);
    } catch (error) {
      showError(error, 'Could not caption the webcam frame');
    }
  });
});
