/**
 * Measures the "same person" cosine-similarity threshold of a face-embedding model on the
 * @vladmandic/face-api group photos (22 faces in 6 photos): each face against itself in five
 * variants of its photo (mirror flip, crop, half size, JPEG quality 25, 30 % brighter) — the
 * genuine pairs — versus every other face (impostor pairs: within one photo, certainly
 * different people; across photos, very probably). Prints the distributions and the error
 * rates at candidate thresholds; FACERES_MATCH_THRESHOLD was chosen from its output.
 *
 * Run: npx esbuild bench/face-threshold.ts --bundle --platform=node --format=esm --packages=external
 *        --outfile=.cache/bench/face-threshold.mjs && node .cache/bench/face-threshold.mjs [model id]
 */
import { type FaceEmbedding, cosineSimilarity, nodePlatform, pipeline, selectTfjsBackend, setPlatform } from '../src/node/index';
import { facePhoto } from '../test/helpers/photos';
import { decodePhoto, nearestBox, photoVariants } from '../test/pipelines/face-embedding/face-variants';

const PHOTOS = [1, 2, 3, 4, 5, 6] as const;

function summary(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number): string => (s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN).toFixed(3);
  return `n=${s.length} min=${at(0)} p5=${at(0.05)} median=${at(0.5)} p95=${at(0.95)} max=${(s.at(-1) ?? Number.NaN).toFixed(3)}`;
}

async function main(): Promise<void> {
  const model = process.argv[2] ?? 'faceres';
  setPlatform(nodePlatform); // a bundle drops the Node entry's side effects
  await selectTfjsBackend({ backend: 'wasm' });
  const describer = await pipeline('face-embedding', { model });
  const originals: { photo: number; index: number; face: FaceEmbedding }[] = [];
  const genuine: { kind: string; photo: number; index: number; similarity: number }[] = [];
  for (const photo of PHOTOS) {
    const image = await decodePhoto(facePhoto(photo));
    const { faces } = await describer.run(image);
    faces.forEach((face, index) => originals.push({ photo, index, face }));
    for (const variant of await photoVariants(facePhoto(photo), image, faces.map((f) => f.box))) {
      const found = (await describer.run(variant.image)).faces;
      faces.forEach((face, index) => {
        const scale = variant.kind === 'half-size' ? 0.5 : 1;
        const centre = variant.map((face.box.x1 + face.box.x2) / 2, (face.box.y1 + face.box.y2) / 2);
        const match = nearestBox(found.map((f) => f.box), centre, 0.5 * scale * (face.box.x2 - face.box.x1));
        const similarity = match === undefined ? Number.NaN : cosineSimilarity(face.embedding, (found[match] as FaceEmbedding).embedding);
        genuine.push({ kind: variant.kind, photo, index, similarity });
      });
    }
  }
  const within: number[] = [];
  const across: number[] = [];
  originals.forEach((a, i) => {
    for (const b of originals.slice(i + 1)) (a.photo === b.photo ? within : across).push(cosineSimilarity(a.face.embedding, b.face.embedding));
  });
  console.log(`model ${model}: ${originals.length} faces`);
  for (const kind of new Set(genuine.map((g) => g.kind))) {
    const rows = genuine.filter((g) => g.kind === kind);
    console.log(`genuine ${kind.padEnd(9)} ${summary(rows.map((g) => g.similarity))} not found: ${rows.filter((g) => Number.isNaN(g.similarity)).length}`);
  }
  console.log(`impostor within-photo  ${summary(within)}`);
  console.log(`impostor across-photo  ${summary(across)}`);
  for (const g of genuine.filter((row) => row.similarity < 0.8)) console.log(`  low genuine: photo ${g.photo} face ${g.index} ${g.kind} ${g.similarity.toFixed(3)}`);
  const impostors = [...within, ...across];
  for (const threshold of [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]) {
    const falseReject = genuine.filter((g) => !(g.similarity >= threshold)).length;
    const falseAccept = impostors.filter((s) => s >= threshold).length;
    console.log(`threshold ${threshold.toFixed(2)}: false rejects ${falseReject}/${genuine.length}, false accepts ${falseAccept}/${impostors.length}`);
  }
  describer.dispose();
}

void main();
