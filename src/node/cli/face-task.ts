/**
 * `visionpipe face`: face meshes with irises (FaceMesh + Iris on BlazeFace) on images and
 * videos, listed per face and drawn (tessellation, contours, irises) with `--out`.
 */
import { pipeline } from '../../pipeline';
import type { Face } from '../../pipelines/face/face-types';
import { FACE_MESH_CONNECTIONS } from '../../postprocess/face/face-mesh-topology';
import { drawFaceMesh } from '../../render/face-mesh';
import { CLI_MAX_PEOPLE, type CliTask, type TaskSettings } from './task-types';

const num = (v: number): string => v.toFixed(0).padStart(5);

/** Landmarks listed per face: eyes, nose tip, mouth corners, chin, and the iris centres. */
const LISTED: ReadonlyArray<readonly [string, number]> = [
  ['right_eye_outer', 33],
  ['left_eye_outer', 263],
  ['nose_tip', 1],
  ['mouth_right', 61],
  ['mouth_left', 291],
  ['chin', 152],
  ['right_iris', 468],
  ['left_iris', 473],
];

function faceRows(face: Face, index: number): string[] {
  const { x1, y1, x2, y2 } = face.box;
  const track = face.trackId === undefined ? '' : `  #${face.trackId}`;
  const header = `  face ${index + 1}  score ${face.score.toFixed(2)}  box [${[x1, y1, x2, y2].map(num).join(' ')} ]  ${face.points.length} points${track}`;
  const rows = LISTED.filter(([, i]) => i < face.points.length).map(([name, i]) => `    ${name.padEnd(16)} ${num(face.points[i].x)} ${num(face.points[i].y)}`);
  return [header, ...rows];
}

/**
 * Loads the face-landmarks pipeline for the CLI (`--model facemesh|facemesh-attention`,
 * irises on with FaceMesh; `--detector full` (default: photos, faces further away) or `short`
 * (BlazeFace short range, the pipeline's default for selfie-distance cameras)).
 *
 * @example
 * ```ts
 * const task = await createFaceTask({ backend: 'wasm' });
 * ```
 */
export async function createFaceTask(s: TaskSettings): Promise<CliTask> {
  const attention = s.model === 'facemesh-attention' || (typeof s.model === 'object' && s.model.family === 'facemesh-attention');
  const detector = s.faceDetector === 'short' ? 'facemesh-detection-short' : 'facemesh-detection-full';
  const p = await pipeline('face-landmarks', { model: s.model, backend: s.backend, threshold: s.threshold, iris: !attention, detector, maxFaces: s.max ?? CLI_MAX_PEOPLE });
  return {
    backend: p.runner.backend,
    suffix: 'face',
    takesVideo: true,
    async analyse(input, timestampMs) {
      const result = timestampMs === undefined ? await p.run(input) : await p.runForVideo(input, timestampMs);
      const { faces } = result;
      return {
        summary: `${faces.length} ${faces.length === 1 ? 'face' : 'faces'} (${result.timing.total.toFixed(0)} ms, ${p.runner.backend})`,
        rows: faces.flatMap(faceRows),
        result,
        draw: (ctx, imageSize) => void drawFaceMesh(ctx, faces, FACE_MESH_CONNECTIONS, { imageSize }),
      };
    },
    reset: () => p.reset(),
    dispose: () => p.dispose(),
  };
}
