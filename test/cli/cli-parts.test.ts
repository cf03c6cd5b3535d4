import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/node/cli/args';
import { EmbeddingCache, cacheFolder } from '../../src/node/cli/embedding-cache';
import { expandInputs } from '../../src/node/cli/inputs';
import { listClassFolders } from '../../src/node/cli/train-dataset';
import { confusedPairs, confusionLines } from '../../src/node/cli/train-report';
import { findFfmpegTool } from '../../src/node/video/ffmpeg-binary';
import { probeVideo } from '../../src/node/video/probe';
import { isVideoFile } from '../../src/node/video/video-files';

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-cli-parts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('CLI building blocks', () => {
  it('parses the new options and refuses those a command does not take', () => {
    expect(parseCliArgs(['caption', 'a.jpg', '--model', 'm', '--max-tokens', '12', '--beams', '3'])).toMatchObject({ command: 'caption', maxTokens: 12, beams: 3 });
    expect(parseCliArgs(['train', 'data', '--out', 'm', '--head', 'knn', '--epochs', '5', '--validation', '0.3', '--seed', '7'])).toMatchObject({ head: 'knn', epochs: 5, validation: 0.3, seed: 7 });
    expect(parseCliArgs(['pose', 'clip.mp4', '--fps', '2.5'])).toMatchObject({ fps: 2.5 });
    expect(() => parseCliArgs(['train', 'data', '--head', 'forest'])).toThrow("--head must be one of softmax, svm, mlp, knn; got 'forest'");
    expect(() => parseCliArgs(['train', 'data', '--threshold', '0.5'])).toThrow('train does not take --threshold');
    expect(() => parseCliArgs(['detect', 'a.jpg', '--beams', '2'])).toThrow('detect does not take --beams');
    expect(() => parseCliArgs(['classify', 'clip.mp4', '--every', '0'])).toThrow('--every must be a whole number from 1');
    expect(() => parseCliArgs(['train', 'data', '--validation', '1'])).toThrow('--validation must be a number from 0.05 to 0.9');
  });

  it('numeric options take decimal numbers only: hex, binary and octal spellings are usage errors', () => {
    expect(parseCliArgs(['detect', 'a.jpg', '--threshold', '.5', '--max-pixels', '1e6'])).toMatchObject({ threshold: 0.5, maxPixels: 1_000_000 });
    expect(parseCliArgs(['detect', 'a.mp4', '--fps', '+2.5'])).toMatchObject({ fps: 2.5 });
    expect(() => parseCliArgs(['detect', 'a.jpg', '--max-pixels', '0x10'])).toThrow("--max-pixels must be a whole number from 1 to 9007199254740991; got '0x10'");
    expect(() => parseCliArgs(['detect', 'a.mp4', '--every', '0b11'])).toThrow("got '0b11'");
    expect(() => parseCliArgs(['classify', 'a.jpg', '--top', '0o7'])).toThrow("got '0o7'");
    expect(() => parseCliArgs(['detect', 'a.jpg', '--threshold', '0x1'])).toThrow("--threshold must be a number from 0 to 1; got '0x1'");
  });

  it('refuses an empty --out and --out under /proc, /sys or /dev (usage errors)', () => {
    expect(parseCliArgs(['detect', 'a.jpg', '--out', 'out/'])).toMatchObject({ out: 'out/' });
    expect(parseCliArgs(['detect', 'a.jpg', '--out', 'processed/'])).toMatchObject({ out: 'processed/' });
    for (const empty of ['', ' ']) {
      expect(() => parseCliArgs(['detect', 'a.jpg', '--out', empty])).toThrow(/^--out is empty; it takes a folder/);
    }
    for (const [out, folder] of [['/proc/self/out', '/proc'], ['/sys', '/sys'], ['/dev/shm/x', '/dev'], ['/tmp/../proc/1', '/proc']]) {
      expect(() => parseCliArgs(['map', 'photos', '--out', out]), out).toThrow(`--out '${out}' is under ${folder}; outputs cannot go to /proc, /sys, /dev`);
    }
  });

  it('a folder of symbolic links to images is a folder of images (inputs and training datasets); broken links are skipped', async () => {
    const photos = join(tmp, 'linked');
    mkdirSync(join(photos, 'real'), { recursive: true });
    for (const name of ['a.jpg', 'b.png', 'c.jpg', 'd.jpg']) writeFileSync(join(photos, 'real', name), 'not decoded here');
    mkdirSync(join(photos, 'set', 'cat'), { recursive: true });
    symlinkSync(join(photos, 'real', 'a.jpg'), join(photos, 'set', 'cat', 'a.jpg'));
    symlinkSync(join(photos, 'real', 'b.png'), join(photos, 'set', 'cat', 'b.png'));
    symlinkSync(join(photos, 'nowhere.jpg'), join(photos, 'set', 'cat', 'broken.jpg'));
    symlinkSync(join(photos, 'real'), join(photos, 'set', 'dog')); // a class folder that is a link
    const cat = join(photos, 'set', 'cat');
    // the link to nothing is a failed input, named (it was dropped without a word); the others run
    expect(await expandInputs([cat])).toEqual({
      files: [join(cat, 'a.jpg'), join(cat, 'b.png')],
      failures: [{ image: join(cat, 'broken.jpg'), code: 'INVALID_INPUT', message: 'a link to no file (broken symbolic link)', position: 0 }],
    });
    const dataset = await listClassFolders(join(photos, 'set'));
    expect(dataset.labels).toEqual(['cat', 'dog']);
    expect(dataset.files.map((f) => [f.path.slice(photos.length + 1), f.label])).toEqual([
      ['set/cat/a.jpg', 0], ['set/cat/b.png', 0], ['set/dog/a.jpg', 1], ['set/dog/b.png', 1], ['set/dog/c.jpg', 1], ['set/dog/d.jpg', 1],
    ]);
  });

  it('train reads a class folder\'s sub-folders too, as ImageFolder does (they were left out without a word); hidden ones and link loops are not followed', async () => {
    const root = join(tmp, 'nested');
    for (const dir of ['cat', 'cat/indoor/night', 'cat/.thumbnails', 'dog']) mkdirSync(join(root, dir), { recursive: true });
    for (const file of ['cat/a.jpg', 'cat/indoor/b.png', 'cat/indoor/night/c.jpg', 'cat/.thumbnails/t.jpg', 'dog/d.jpg', 'dog/e.jpg']) writeFileSync(join(root, file), 'not decoded here');
    symlinkSync(join(root, 'cat'), join(root, 'cat', 'indoor', 'loop')); // a link back up: read once
    const dataset = await listClassFolders(root);
    expect(dataset.labels).toEqual(['cat', 'dog']);
    expect(dataset.files.map((f) => [f.path.slice(root.length + 1), f.label])).toEqual([
      ['cat/a.jpg', 0], ['cat/indoor/b.png', 0], ['cat/indoor/night/c.jpg', 0], ['dog/d.jpg', 1], ['dog/e.jpg', 1],
    ]);
  });

  it('a file named twice, by any spelling of its path or by a glob and a name, is one input, where first named', async () => {
    const folder = join(tmp, 'twice');
    mkdirSync(folder, { recursive: true });
    for (const name of ['a.jpg', 'b.jpg']) writeFileSync(join(folder, name), 'not decoded here');
    const a = join(folder, 'a.jpg');
    const { files } = await expandInputs(['b.jpg', './a.jpg', a, '*.jpg', `${folder}/./b.jpg`], folder);
    expect(files).toEqual(['b.jpg', './a.jpg']);
    // a link to a file already named is the same file; a link named first counts as that file's name
    symlinkSync(a, join(tmp, 'link-to-a.jpg'));
    expect((await expandInputs(['a.jpg', '../link-to-a.jpg', 'b.jpg'], folder)).files).toEqual(['a.jpg', 'b.jpg']);
    expect((await expandInputs(['../link-to-a.jpg', 'a.jpg'], folder)).files).toEqual(['../link-to-a.jpg']);
  });

  it("globs reach back through '..' (tinyglobby alone missed the folder it started in) and as absolute paths", async () => {
    const root = join(tmp, 'globs');
    for (const dir of ['a', 'b']) {
      mkdirSync(join(root, dir), { recursive: true });
      writeFileSync(join(root, dir, 'x.jpg'), 'not decoded here');
      writeFileSync(join(root, dir, 'photo..1.jpg'), 'not decoded here');
    }
    const from = join(root, 'a');
    expect((await expandInputs(['../*/x.jpg'], from)).files).toEqual(['../a/x.jpg', '../b/x.jpg']);
    expect((await expandInputs(['../{a,b}/x.jpg'], from)).files).toEqual(['../a/x.jpg', '../b/x.jpg']);
    expect((await expandInputs(['../a/*..1.jpg'], from)).files).toEqual(['../a/photo..1.jpg']);
    expect((await expandInputs([`${root}/*/x.jpg`], from)).files).toEqual([join(root, 'a/x.jpg'), join(root, 'b/x.jpg')]);
    expect((await expandInputs(['*.jpg'], from)).files).toEqual(['photo..1.jpg', 'x.jpg']);
    // '..' after a wildcard or inside braces: said so, not silently fewer files
    expect((await expandInputs(['{../a,../b}/x.jpg'], from)).failures).toEqual([
      { image: '{../a,../b}/x.jpg', code: 'INVALID_INPUT', message: expect.stringContaining("'..' is allowed only before the pattern's first wildcard"), position: 0 },
    ]);
    // also when the path alone would lead somewhere ('*/..' is the folder itself once normalised: it was read as that folder)
    for (const pattern of ['*/..', '../*/../a/x.jpg']) {
      expect(await expandInputs([pattern], from), pattern).toEqual({
        files: [],
        failures: [{ image: pattern, code: 'INVALID_INPUT', message: expect.stringContaining("'..' is allowed only before the pattern's first wildcard"), position: 0 }],
      });
    }
  });

  it('tells videos by extension', () => {
    expect(['a.mp4', 'B.WEBM', 'c.mov', 'd.mkv', 'e.avi', 'f.y4m'].every(isVideoFile)).toBe(true);
    expect(['a.jpg', 'mp4', 'a.mp4.png'].some(isVideoFile)).toBe(false);
  });

  it('finds ffmpeg on PATH or through $FFMPEG_PATH, and says how to install it when it is missing', () => {
    expect(findFfmpegTool('ffmpeg', { PATH: '/usr/local/bin:/usr/bin' })).toMatch(/\/ffmpeg$/);
    expect(() => findFfmpegTool('ffmpeg', { PATH: '/nonexistent' })).toThrow(/not on PATH: install FFmpeg \(Debian\/Ubuntu: apt-get install ffmpeg/);
    expect(() => findFfmpegTool('ffprobe', { PATH: '/usr/bin', FFPROBE_PATH: join(tmp, 'nope') })).toThrow('$FFPROBE_PATH is');
  });

  it('probeVideo refuses a file that is not a video', async () => {
    const fake = join(tmp, 'fake.mp4');
    writeFileSync(fake, 'hello');
    await expect(probeVideo(fake)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('ffprobe cannot read this video') });
  });

  it('caches embeddings by content under $VISIONPIPE_CACHE (other sizes are misses)', async () => {
    expect(cacheFolder({ VISIONPIPE_CACHE: '/c' })).toBe('/c');
    expect(cacheFolder({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/x/visionpipe');
    const cache = new EmbeddingCache(tmp, 'mnv2/flatten_1', 3);
    const key = EmbeddingCache.key(new Uint8Array([1, 2, 3]));
    expect(key).not.toBe(EmbeddingCache.key(new Uint8Array([1, 2, 4])));
    expect(await cache.get(key)).toBeUndefined();
    await cache.set(key, Float32Array.from([0.5, -1, 2]));
    expect(Array.from((await cache.get(key))!)).toEqual([0.5, -1, 2]);
    expect(await new EmbeddingCache(tmp, 'mnv2/flatten_1', 4).get(key)).toBeUndefined();
  });

  it('prints a confusion matrix with recall and the most confused pairs', () => {
    const lines = confusionLines([[5, 1], [0, 6]], ['cat', 'dog']);
    expect(lines[0]).toMatch(/true \\ predicted +#1 +#2 +recall/);
    expect(lines[1]).toMatch(/^ {2}#1 {2}cat +5 +1 {3}0\.83$/);
    expect(lines[2]).toMatch(/^ {2}#2 {2}dog +0 +6 {3}1\.00$/);
    expect(confusedPairs([[5, 1, 3], [0, 6, 0], [2, 0, 4]], ['a', 'b', 'c'])).toEqual(['a → c: 3', 'c → a: 2', 'a → b: 1']);
  });
});
