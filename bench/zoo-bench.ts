/**
 * Figure 7: the model zoo. Every catalogue COCO detector on the repository's real photos (the
 * @vladmandic/face-api group photos and Debian python3-skimage's photos): objects found
 * against the hand-made truth list (bench/zoo-truth.ts) at each card's default threshold, and
 * milliseconds per image on tfjs wasm (decoded pixels in, detections out). None of these
 * detectors is an ONNX model, so onnxruntime-node does not apply.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MODEL_CATALOG, type RawImage, decodeImageFile, pipeline } from '../src/node/index';
import type { DetectionRunOptions } from '../src/pipelines/detection/detection-types';
import { fetchModel, needsFetch } from '../src/node/model-fetch';
import type { Section } from './report';
import { median } from './timing';
import { ZOO_TRUTH, scoreDetections } from './zoo-truth';

const require = createRequire(import.meta.url);
const SKIMAGE = '/usr/lib/python3/dist-packages/skimage/data';

function photoPath(file: string): string {
  const [where, name] = file.split(':');
  if (where === 'skimage') return join(SKIMAGE, name);
  for (const folder of require.resolve.paths('@vladmandic/face-api') ?? []) {
    const path = join(folder, '@vladmandic/face-api/demo', `sample${name}.jpg`);
    if (existsSync(path)) return path;
  }
  throw new Error('@vladmandic/face-api is not installed (npm ci)');
}

/** How each detector runs: the card's defaults, plus COCO-SSD's class-agnostic NMS (as its peer). */
const RUN_OPTIONS: Readonly<Record<string, DetectionRunOptions>> = { 'coco-ssd': { agnostic: true } };

/** COCO detectors of the catalogue (BlazeFace finds faces, not COCO classes). */
const detectorIds = (): string[] => Object.values(MODEL_CATALOG).filter((c) => c.task === 'object-detection' && c.labels.length === 80).map((c) => c.id);

/** Runs every catalogue COCO detector over the truth photos. */
export async function zooSections(quick: boolean): Promise<Section[]> {
  if (!existsSync(SKIMAGE)) throw new Error(`${SKIMAGE} is missing: apt-get install -y python3-skimage`);
  process.env.VISIONPIPE_CACHE ??= join(process.cwd(), '.cache', 'visionpipe');
  const photos: { name: string; image: RawImage; objects: Readonly<Record<string, number>> }[] = [];
  for (const t of ZOO_TRUTH) photos.push({ name: t.name, image: await decodeImageFile(photoPath(t.file)), objects: t.objects });
  const total = photos.reduce((sum, p) => sum + Object.values(p.objects).reduce((a, b) => a + b, 0), 0);
  const rounds = quick ? 1 : 3;
  const rows: Section['rows'] = [];
  const perPhoto: string[] = [];
  for (const id of detectorIds()) {
    const spec = MODEL_CATALOG[id];
    if (needsFetch(spec)) await fetchModel(spec);
    const detector = await pipeline('object-detection', { model: id });
    try {
      const options = RUN_OPTIONS[id] ?? {};
      await detector.run(photos[0].image, options); // warm-up
      const times: number[] = [];
      let found = 0;
      let extra = 0;
      const missed: string[] = [];
      for (let round = 0; round < rounds; round++) {
        for (const photo of photos) {
          const started = performance.now();
          const { detections } = await detector.run(photo.image, options);
          times.push(performance.now() - started);
          if (round > 0) continue;
          const score = scoreDetections(detections.map((d) => d.label), photo.objects);
          found += score.found;
          extra += score.extra;
          const want = Object.values(photo.objects).reduce((a, b) => a + b, 0);
          if (score.found < want) missed.push(`${photo.name} ${score.found}/${want}`);
        }
      }
      const sorted = [...times].sort((a, b) => a - b);
      rows.push({
        name: id,
        samples: times.length,
        median: median(times),
        p90: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))],
        min: sorted[0],
        mean: times.reduce((a, b) => a + b, 0) / times.length,
        ratio: 1,
        info: { found: `${found}/${total}`, extra, license: spec.license ?? 'NOASSERTION' },
      });
      perPhoto.push(`${id}: short on ${missed.join(', ') || 'nothing'}`);
    } finally {
      detector.dispose();
    }
  }
  const reference = rows.find((r) => r.name === 'centernet-coco')!;
  for (const r of rows) r.ratio = r.median / reference.median;
  return [
    {
      id: 'zoo',
      title: `8. Model zoo: COCO detectors on ${photos.length} real photos (${total} objects by hand), wasm, ms per image`,
      reference: 'centernet-coco',
      rows,
      notes: [
        'found = objects of the truth list found, counted per class (min(detected, truth)); extra = detections beyond the truth counts',
        'each card at its default threshold; coco-ssd with class-agnostic NMS as @tensorflow-models/coco-ssd',
        ...perPhoto,
      ],
    },
  ];
}
