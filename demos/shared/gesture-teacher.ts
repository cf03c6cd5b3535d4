// The Hands page's teaching panel: record hands of a named gesture from the live results, train
// in the gesture training worker (progress per epoch), then classify live with the taught
// classifier in the page; save it in localStorage, load it back, or download it as JSON.
import { type GestureResult, type GestureTrainingWorker, type HandLandmarks, type SavedGestureClassifier, GestureClassifier, isVisionError } from 'visionpipe';
import { showError, showStatus } from './common';

/** What the panel shows and the tests read (`window.demo.hands`). */
export interface TeachState {
  /** The gestures named so far, one per class id. */
  labels: string[];
  /** Hands recorded per class id (as the worker counts them). */
  counts: number[];
  /** The recording in progress: its gesture and hands so far of those wanted. */
  recording: { label: string; have: number; want: number } | null;
  training: 'idle' | 'running' | 'done' | 'failed';
  /** Epochs reported by the last training run. */
  epochs: number;
  /** The labels of the taught classifier in use, if there is one. */
  taughtLabels: string[] | null;
}

const SAVE_KEY = 'visionpipe-gestures';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

const numberIn = (id: string, min: number, max: number, fallback: number): number => Math.max(min, Math.min(max, Math.round(Number(element<HTMLInputElement>(id).value)) || fallback));

/** Teaches gestures on the page: samples and training in the worker, live classification here. */
export class GestureTeacher {
  private taught: GestureClassifier | null = null;
  private saved: SavedGestureClassifier | null = null;
  /** The last classification with the taught classifier (a replaced classifier is freed after it). */
  private lastClassification: Promise<unknown> = Promise.resolve();
  private collected: HandLandmarks[] = [];

  constructor(
    private readonly worker: GestureTrainingWorker,
    private readonly state: TeachState,
  ) {}

  /** Wires the panel's buttons and enables it. */
  enable(): void {
    element('record').addEventListener('click', () => (this.state.recording ? this.stopRecording() : this.startRecording()));
    element('train').addEventListener('click', () => void this.train());
    element('clear').addEventListener('click', () => void this.clear());
    element('save').addEventListener('click', () => this.save());
    element('load').addEventListener('click', () => void this.load());
    element('download').addEventListener('click', () => this.download());
    element<HTMLFieldSetElement>('teach').disabled = false;
  }

  /** The hands of the current frame: kept while recording (up to the number wanted). */
  offer(hands: readonly HandLandmarks[]): void {
    const recording = this.state.recording;
    if (!recording || hands.length === 0) return;
    this.collected.push(...hands.slice(0, recording.want - this.collected.length));
    recording.have = this.collected.length;
    showStatus(`Recording '${recording.label}': ${recording.have}/${recording.want} hands…`);
    if (recording.have >= recording.want) void this.finishRecording(recording.label);
  }

  /** The taught gestures of the hands (none before training). */
  classify(hands: readonly HandLandmarks[]): Promise<GestureResult[]> {
    if (!this.taught || hands.length === 0) return Promise.resolve([]);
    const classified = this.taught.classifyMany(hands);
    this.lastClassification = classified.catch(() => undefined);
    return classified;
  }

  dispose(): void {
    this.taught?.dispose();
    this.worker.dispose();
  }

  private startRecording(): void {
    const label = element<HTMLInputElement>('gesture-name').value.trim();
    if (!label) return showStatus('Name the gesture first.');
    this.collected = [];
    this.state.recording = { label, have: 0, want: numberIn('per-record', 2, 100, 20) };
    element('record').textContent = 'Stop';
    showStatus(`Recording '${label}': show the gesture to the camera (or upload photos of it); Stop ends it early.`);
  }

  /** Ends a recording early: the hands seen so far are kept; with none, nothing is added. */
  private stopRecording(): void {
    const recording = this.state.recording;
    if (!recording) return;
    if (this.collected.length > 0) return void this.finishRecording(recording.label);
    this.state.recording = null;
    element('record').textContent = 'Record';
    showStatus(`Stopped recording '${recording.label}': no hand was seen.`);
  }

  private async finishRecording(label: string): Promise<void> {
    const hands = this.collected;
    this.collected = [];
    this.state.recording = null;
    const button = element<HTMLButtonElement>('record');
    button.textContent = 'Record';
    button.disabled = true; // until the worker has the hands
    if (!this.state.labels.includes(label)) this.state.labels.push(label);
    try {
      this.showCounts(await this.worker.addSamples(hands, this.state.labels.indexOf(label)));
      showStatus(`Recorded ${hands.length} hands of '${label}'.`);
    } catch (error) {
      showError(error, 'Could not add the hands');
    } finally {
      element<HTMLButtonElement>('record').disabled = false;
    }
  }

  private showCounts(counts: number[]): void {
    this.state.counts = counts;
    element('gesture-counts').textContent = this.state.labels.length ? this.state.labels.map((label, id) => `${label}: ${counts[id] ?? 0}`).join(' · ') : 'No gestures recorded yet.';
  }

  private async train(): Promise<void> {
    const { labels, counts } = this.state;
    if (labels.length < 2 || labels.some((_, id) => (counts[id] ?? 0) < 2)) return showStatus('Record at least two gestures (two hands or more each) before training.');
    const epochs = numberIn('epochs', 1, 200, 30);
    const bar = element<HTMLProgressElement>('progress');
    Object.assign(this.state, { training: 'running', epochs: 0 });
    element<HTMLButtonElement>('train').disabled = true;
    try {
      const summary = await this.worker.train({
        labels,
        head: 'mlp',
        epochs,
        seed: 1,
        onEpochEnd: (log) => {
          this.state.epochs += 1;
          bar.value = log.progress;
          showStatus(`Training in the worker: epoch ${log.epoch + 1}/${epochs}, loss ${log.loss.toFixed(3)}, accuracy ${(log.accuracy * 100).toFixed(0)}%`);
        },
      });
      await this.use(await this.worker.toJSON());
      this.state.training = 'done';
      showStatus(`Trained on ${summary.samples} hands in ${(summary.elapsedMs / 1000).toFixed(1)} s: showing ${labels.join(', ')} live.`);
    } catch (error) {
      this.state.training = 'failed';
      if (isVisionError(error, 'INVALID_INPUT')) showStatus(`Cannot train: ${error.message}`);
      else showError(error, 'Training failed');
    } finally {
      element<HTMLButtonElement>('train').disabled = false;
    }
  }

  /** Makes a saved classifier the live one; the one it replaces is freed after its last classification. */
  private async use(saved: SavedGestureClassifier): Promise<void> {
    const next = await GestureClassifier.fromJSON(saved);
    const previous = this.taught;
    this.taught = next;
    this.saved = saved;
    this.state.taughtLabels = [...next.labels];
    element<HTMLButtonElement>('save').disabled = false;
    element<HTMLButtonElement>('download').disabled = false;
    await this.lastClassification;
    previous?.dispose();
  }

  private async clear(): Promise<void> {
    try {
      const counts = await this.worker.clearSamples();
      this.state.labels = [];
      this.showCounts(counts);
      showStatus('Samples forgotten; the taught classifier (if any) stays in use.');
    } catch (error) {
      showError(error, 'Could not forget the samples');
    }
  }

  private save(): void {
    if (!this.saved) return;
    localStorage.setItem(SAVE_KEY, JSON.stringify(this.saved));
    showStatus(`Saved in this browser: ${this.saved.labels.join(', ')}.`);
  }

  private async load(): Promise<void> {
    const text = localStorage.getItem(SAVE_KEY);
    if (!text) return showStatus('Nothing saved in this browser yet.');
    try {
      await this.use(JSON.parse(text) as SavedGestureClassifier);
      showStatus(`Loaded: ${this.saved?.labels.join(', ')}.`);
    } catch (error) {
      showError(error, 'Could not load the saved gestures');
    }
  }

  private download(): void {
    if (!this.saved) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([JSON.stringify(this.saved)], { type: 'application/json' }));
    link.download = `${SAVE_KEY}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }
}
