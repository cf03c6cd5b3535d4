// Webcam → hand landmarks (HandTrack, or MediaPipe's palm detector with `?detector=palm` — the
// page's selector reloads with it — → MediaPipe hand landmarks, followed in video mode) →
// skeletons, and each hand's gesture from the built-in classifier. Gestures taught on the page:
// record hands from the live results, train in the gesture training worker, show the taught
// labels live; save and load the taught classifier in localStorage or download it as JSON.
import {
  type GestureResult,
  type Hand,
  type HandLandmarks,
  type HandResult,
  createGestureTrainingWorker,
  drawHands,
  loadBuiltInGestures,
  pipeline,
} from 'visionpipe';
import { type DemoState, SDK_OPTIONS, demo, drawFrame, drawLoopStats, mountNav, mountQueryPicker, openCamera, progress, run, showStatus, start } from './shared/common';
import { GestureTeacher, type TeachState } from './shared/gesture-teacher';

mountNav('Hands');

/** A hand the page shows: the pipeline's hands, or the stand-ins a test sets. */
type PageHand = Pick<Hand, 'keypoints' | 'handedness'>;

/** One frame's hands with their built-in and taught gestures. */
interface HandsFrame {
  hands: PageHand[];
  gestures: GestureResult[];
  taught: GestureResult[];
}

/** What this page adds to `window.demo`: the teaching state, and `standIns` — hands (tests, debugging) used instead of the camera's. */
interface HandsState extends TeachState {
  standIns: PageHand[] | null;
}

const state: HandsState = { standIns: null, labels: [], counts: [], recording: null, training: 'idle', epochs: 0, taughtLabels: null };
(demo as DemoState & { hands: HandsState }).hands = state;

/** The hand detectors the page offers (the `#detector` selector, `?detector=`); the first is the default. */
const DETECTORS = { handtrack: 'HandTrack', palm: 'the palm detector' } as const;

/** The gesture features read the handedness as 'left' / 'right'. */
const landmarksOf = (hand: PageHand): HandLandmarks => ({ keypoints: hand.keypoints, handedness: hand.handedness.label });

/** The gesture's name as people say it: open_palm → open palm. */
const spoken = (label: string): string => label.replace(/_/g, ' ');

function drawGestureLabels(ctx: CanvasRenderingContext2D, frame: HandsFrame): void {
  ctx.save();
  ctx.font = 'bold 18px system-ui, sans-serif';
  ctx.lineWidth = 4;
  ctx.strokeStyle = '#000c';
  ctx.fillStyle = '#fff';
  frame.hands.forEach((hand, i) => {
    const wrist = hand.keypoints[0];
    const text = [frame.gestures[i], frame.taught[i]].filter((g) => g !== undefined).map((g) => spoken(g.label)).join(' / ');
    ctx.strokeText(text, wrist.x, wrist.y + 24);
    ctx.fillText(text, wrist.x, wrist.y + 24);
  });
  ctx.restore();
}

function describeHands(frame: HandsFrame): string {
  if (frame.hands.length === 0) return 'no hand';
  return frame.hands
    .map((hand, i) => {
      const gesture = frame.gestures[i];
      const taught = frame.taught[i];
      return `hand ${i + 1} (${hand.handedness.label}): ${spoken(gesture.label)} ${(gesture.score * 100).toFixed(0)}%${taught ? ` · taught: ${taught.label} ${(taught.score * 100).toFixed(0)}%` : ''}`;
    })
    .join(' · ');
}

run(async () => {
  const camera = openCamera();
  const detector = mountQueryPicker('detector', ['handtrack', 'palm']);
  showStatus(`Loading ${DETECTORS[detector]} and the hand landmark model…`);
  const starting = createGestureTrainingWorker({ backend: SDK_OPTIONS.backend, wasmPaths: SDK_OPTIONS.wasmPaths, workerUrl: new URL('./worker.js', import.meta.url) });
  starting.catch(() => undefined); // a failure is shown below
  const landmarker = await pipeline('hand-landmarks', { ...SDK_OPTIONS, detector, onProgress: progress('hand landmarks') });
  const backend = landmarker.runner.backend;
  const builtIn = await loadBuiltInGestures(); // on the pipeline's backend, chosen just above
  const worker = await starting;
  const teacher = new GestureTeacher(worker, state);
  addEventListener('pagehide', () => {
    landmarker.dispose();
    builtIn.dispose();
    teacher.dispose();
  });
  const output = document.getElementById('output')!;

  /** The built-in and taught gestures of the frame's hands (or of the stand-ins), which a recording keeps. */
  const withGestures = async (result: HandResult): Promise<HandsFrame> => {
    const hands: PageHand[] = state.standIns ?? result.hands;
    const landmarks = hands.map(landmarksOf);
    teacher.offer(landmarks);
    const gestures = landmarks.length > 0 ? await builtIn.classifyMany(landmarks) : [];
    const taught = await teacher.classify(landmarks);
    return { hands, gestures, taught };
  };

  await start<HandsFrame>(
    {
      processor: async (frame, timestampMs) => withGestures(await landmarker.runForVideo(frame, timestampMs)),
      backend,
      runImage: async (image) => withGestures(await landmarker.run(image)),
      render(image, width, height, frame, loop) {
        const ctx = drawFrame(image, width, height);
        drawHands(ctx, frame.hands);
        drawGestureLabels(ctx, frame);
        if (loop) drawLoopStats(ctx, loop.stats(), backend);
        output.textContent = describeHands(frame);
        return frame.hands.map((hand, i) => ({
          handedness: hand.handedness.label,
          gesture: frame.gestures[i].label,
          gestureScore: frame.gestures[i].score,
          taught: frame.taught[i]?.label ?? null,
        }));
      },
    },
    camera,
  );
  teacher.enable();
});
