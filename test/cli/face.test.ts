/**
 * `visionpipe face` (built bin, as a user runs it): JSON with 478 points, and an
 * annotated PNG whose pixels changed where the face oval and the irises are drawn, and nowhere
 * far from the face.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACE_MESH_CONNECTIONS } from '../../src/postprocess/face/face-mesh-topology';
import { parseCliArgs } from '../../src/node/cli/args';
import { facePhoto, fixturePhoto } from '../helpers/photos';
import { cli, ensureCliBuilt } from './cli-runner';

type FaceJson = { faces: { score: number; points: { x: number; y: number; z: number }[]; box: { x1: number; y1: number; x2: number; y2: number } }[] };
type Entry = { image: string; result: FaceJson; output?: string };

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-face-'));
beforeAll(() => ensureCliBuilt(), 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function rgb(path: string): Promise<{ data: Uint8Array; width: number }> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width };
}

describe('visionpipe face', () => {
  it('gives the astronaut’s face with 478 points in JSON and draws the mesh where the points are', async () => {
    const run = await cli(['face', fixturePhoto('astronaut'), '--json', '--out', tmp]);
    expect(run.code, run.stderr).toBe(0);
    const [entry] = JSON.parse(run.stdout) as Entry[];
    const [face] = entry.result.faces;
    expect(face.points).toHaveLength(478);
    const drawn = await rgb(join(tmp, 'astronaut.face.png'));
    const input = await rgb(fixturePhoto('astronaut'));
    // a pixel of the 3×3 around (x, y) differs from the input by more than 40 in a channel
    const changed = (x: number, y: number): boolean => {
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const o = ((Math.round(y) + dy) * drawn.width + Math.round(x) + dx) * 3;
          if ([0, 1, 2].some((c) => Math.abs(drawn.data[o + c] - input.data[o + c]) > 40)) return true;
        }
      }
      return false;
    };
    // the face-oval points (contour colour) and the iris edge points (circles through them)
    const oval = [...new Set(FACE_MESH_CONNECTIONS.faceOval.flat())];
    expect(oval.filter((i) => changed(face.points[i].x, face.points[i].y)).length / oval.length).toBeGreaterThan(0.9);
    const iris = [469, 470, 471, 472, 474, 475, 476, 477];
    expect(iris.filter((i) => changed(face.points[i].x, face.points[i].y)).length).toBeGreaterThanOrEqual(7);
    // far from the face (bottom corners of the photo) nothing was drawn
    for (const [x, y] of [[5, 505], [505, 505]]) expect(changed(x, y)).toBe(false);
  });

  it('finds every face of a group photo with the full-range detector (default); --detector short finds the near ones', async () => {
    const count = async (...extra: string[]): Promise<number> => {
      const run = await cli(['face', facePhoto(2), '--json', ...extra]);
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as Entry[])[0].result.faces.length;
    };
    expect(await count()).toBe(3);
    expect(await count('--detector', 'full')).toBe(3);
    expect(await count('--detector', 'short')).toBeLessThan(3);
    expect(() => parseCliArgs(['face', 'x.jpg', '--detector', 'palm'])).toThrow("--detector must be one of full, short; got 'palm'");
    expect(() => parseCliArgs(['detect', 'x.jpg', '--detector', 'full'])).toThrow(/detect does not take --detector/);
  });
});
