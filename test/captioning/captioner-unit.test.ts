import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { VisionError } from '../../src/core/errors';
import { createImageToTextPipeline } from '../../src/pipelines/captioning/image-to-text-pipeline';
import { Captioner, type CaptionerConfig, type SavedCaptioner } from '../../src/training/captioner/captioner';
import { trainCaptioner } from '../../src/training/captioner/train-captioner';
import { CaptionVocabulary } from '../../src/training/captioner/vocabulary';
import { captionScenes } from '../helpers/caption-scenes';

const ENCODER = { imageSize: 32, patch: 4, channels: [8, 16] as [number, number], dim: 16 };
const LSTM: CaptionerConfig = { encoder: ENCODER, decoder: { type: 'lstm', embedding: 8, hidden: 16, attention: 8 } };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('trainable captioner building blocks', () => {
  it('the vocabulary tokenizes and decodes through @huggingface/tokenizers', () => {
    const vocab = CaptionVocabulary.fromCaptions(['two red circles left of a blue square']);
    const ids = vocab.encode('Two red circles');
    expect(ids[0]).toBe(vocab.bosId);
    expect(ids[ids.length - 1]).toBe(vocab.eosId);
    expect(vocab.decode(ids)).toBe('two red circles');
    expect(vocab.encode('purple')).toEqual([1, 3, 2]); // unknown word → <unk>
    expect(() => new CaptionVocabulary([])).toThrow(VisionError);
  });

  it("the vocabulary's words are the tokenizer's: punctuation split off, any script's letters kept (they encoded to <unk> and fell out of captions)", () => {
    const captions = ['A dog, running on the grass.', "the cat's toy", 'un café près de la forêt', 'Straße mit Bäumen', 'well-known red-and-blue ball'];
    const vocab = CaptionVocabulary.fromCaptions(captions);
    expect(vocab.words).toEqual(expect.arrayContaining(['dog', ',', 'grass', '.', 'café', 'forêt', 'straße', 'bäumen', "'", 's', '-', 'known']));
    expect(vocab.words).not.toContain('dog,');
    for (const caption of captions) expect(vocab.encode(caption), caption).not.toContain(3);
    expect(captions.map((c) => vocab.decode(vocab.encode(c)))).toEqual([
      'a dog, running on the grass.',
      "the cat's toy",
      'un café près de la forêt',
      'straße mit bäumen',
      'well - known red - and - blue ball', // Hugging Face's WordPiece decoder leaves hyphens spaced
    ]);
    // the saved tokenizer.json splits the same way in any Hugging Face tokenizer
    expect(vocab.toTokenizerJson()).toMatchObject({ pre_tokenizer: { type: 'BertPreTokenizer' } });
  });

  it('a caption is encoded as the vocabulary was built: a literal <eos> or <pad> is its words, and a long word keeps its id', () => {
    // the tokenizer picked the special tokens out of the text: "the <eos> end" ended after "the", "<pad>" was masked out of the loss
    const long = 'x'.repeat(101);
    const captions = ['the <eos> end', 'a <pad> cat', `a ${long} dog`];
    const vocab = CaptionVocabulary.fromCaptions(captions);
    const id = (word: string) => 4 + vocab.words.indexOf(word);
    expect(vocab.encode('the <eos> end')).toEqual([1, id('the'), id('<'), id('eos'), id('>'), id('end'), 2]);
    expect(vocab.encode('a <pad> cat')).toEqual([1, id('a'), id('<'), id('pad'), id('>'), id('cat'), 2]);
    // WordPiece made a word of over 100 characters <unk>
    expect(vocab.encode(`a ${long} dog`)).toEqual([1, id('a'), id(long), id('dog'), 2]);
    expect(vocab.tokenizer.encode(long, { add_special_tokens: false }).ids).toEqual([id(long)]);
    for (const caption of captions) expect(vocab.encode(caption)).not.toContain(3);
  });

  it('an LSTM captioner learns a tiny set (loss falls), saves and loads, and runs in the pipeline without leaking', async () => {
    const scenes = captionScenes(24, 1, 'train');
    const { captioner, losses } = await trainCaptioner(scenes, { config: LSTM, epochs: 4, batchSize: 12, learningRate: 1e-2, freezeEncoderAfter: 2 });
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    const copy = Captioner.load(captioner.save());
    const ids = tf.tensor2d([[1, 5, 6]], [1, 3], 'int32');
    const images = tf.zeros([1, 32, 32, 3]) as tf.Tensor4D;
    const [a, b] = [captioner, copy].map((c) => tf.tidy(() => c.logits(ids, c.features(images)).arraySync()));
    expect(b).toEqual(a);
    const pipeline = await createImageToTextPipeline({ model: captioner.toCaptionModel(), maxTokens: 6 });
    await pipeline.run(scenes[0].image);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await pipeline.run(scenes[i].image, { numBeams: 1 + i });
    expect(tf.memory().numTensors).toBe(before);
    pipeline.dispose();
    tf.dispose([ids, images]);
    captioner.dispose();
    copy.dispose();
    await expect(pipeline.run(scenes[0].image)).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('training validates its input and stops with ABORTED', async () => {
    await expect(trainCaptioner([], { config: LSTM })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    // examples that are no { image, caption } were TypeErrors (reading toLowerCase of undefined, of a number, caption of null)
    const good = captionScenes(2, 2, 'train');
    for (const [bad, fragment] of [[{ ...good[0], caption: undefined }, 'example 1 has caption undefined'], [{ ...good[0], caption: 7 }, 'example 1 has caption 7'], [null, 'example 1 is null']] as const) {
      await expect(trainCaptioner([good[1], bad as never], { config: LSTM }), fragment).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining(fragment) });
    }
    // NaN pixels were "the loss became NaN; lower the learning rate" (INVALID_OPTION); short data read as NaN too
    const nanPixels = new Float32Array(32 * 32 * 3).fill(0.5);
    nanPixels[100] = Number.NaN;
    const floatScene = { image: { data: nanPixels, width: 32, height: 32, channels: 3 as const }, caption: 'a red circle' };
    await expect(trainCaptioner([good[1], floatScene], { config: LSTM, epochs: 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining("example 1's image: pixel buffer has pixel value NaN at index 100") });
    const short = { image: { data: new Uint8Array(10), width: 32, height: 32, channels: 3 as const }, caption: 'a red circle' };
    await expect(trainCaptioner([short], { config: LSTM, epochs: 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining("example 0's image: raw image data has 10 values; 32×32×3 needs 3072") });
    // images are checked and read as every pipeline reads them: 16-bit data and floats past 255 were taken, floats read as 0–1
    const wide = { image: { data: new Uint16Array(32 * 32 * 3), width: 32, height: 32, channels: 3 }, caption: 'a red circle' };
    await expect(trainCaptioner([wide as never], { config: LSTM, epochs: 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining("example 0's image: pixel buffer data is a Uint16Array") });
    const bright = { image: { data: new Float32Array(32 * 32 * 3).fill(1e6), width: 32, height: 32, channels: 3 as const }, caption: 'a red circle' };
    await expect(trainCaptioner([bright], { config: LSTM, epochs: 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('pixel values must be numbers 0–255') });
    const asFloats = good.map((scene) => ({ ...scene, image: { ...scene.image, data: Float32Array.from(scene.image.data) } }));
    const [bytesRun, floatsRun] = [await trainCaptioner(good, { config: LSTM, epochs: 1, seed: 3 }), await trainCaptioner(asFloats, { config: LSTM, epochs: 1, seed: 3 })];
    expect(floatsRun.losses).toEqual(bytesRun.losses);
    // any image a pipeline takes, prepared as the pipeline prepares it: ImageData (RGBA, no channels) and a
    // 2× nearest-upscaled copy (bilinear halving reads each pixel pair's equal values) train as the raw scene
    // (both were refused: "it must be a raw image", "this captioner trains on 32×32 images")
    const asImageData = good.map((scene) => {
      const rgba = new Uint8ClampedArray(32 * 32 * 4).fill(255);
      for (let i = 0; i < 32 * 32; i++) rgba.set(scene.image.data.subarray(i * 3, i * 3 + 3), i * 4);
      return { ...scene, image: { data: rgba, width: 32, height: 32, colorSpace: 'srgb' } as ImageData };
    });
    const doubled = good.map((scene) => {
      const big = new Uint8Array(64 * 64 * 3);
      for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) big.set(scene.image.data.subarray(((y >> 1) * 32 + (x >> 1)) * 3, ((y >> 1) * 32 + (x >> 1)) * 3 + 3), (y * 64 + x) * 3);
      return { ...scene, image: { data: big, width: 64, height: 64, channels: 3 as const } };
    });
    for (const examples of [asImageData, doubled]) {
      const run = await trainCaptioner(examples, { config: LSTM, epochs: 1, seed: 3 });
      expect(run.losses).toEqual(bytesRun.losses);
      run.captioner.dispose();
    }
    bytesRun.captioner.dispose();
    floatsRun.captioner.dispose();
    const controller = new AbortController();
    controller.abort();
    const before = tf.memory().numTensors;
    await expect(trainCaptioner(captionScenes(4, 2, 'train'), { config: LSTM, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => Captioner.load({ format: 'nope' } as unknown as ReturnType<Captioner['save']>)).toThrow(VisionError);
  });

  it('bad options are INVALID_OPTION before any tensor is made; a diverging loss stops training and puts an initial captioner back', async () => {
    const scenes = captionScenes(4, 2, 'train');
    const before = tf.memory().numTensors;
    const refused = async (options: unknown, fragment: string): Promise<void> => {
      await expect(trainCaptioner(scenes, options as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining(fragment) });
      expect(tf.memory().numTensors).toBe(before);
    };
    await refused(undefined, 'trainCaptioner options must be an object');
    await refused({ config: { ...LSTM, encoder: { ...ENCODER, patch: 5 } } }, 'config.encoder.imageSize 32 must be a multiple of 2 × patch (10)');
    await refused({ config: { ...LSTM, encoder: { ...ENCODER, channels: [] } } }, 'config.encoder.channels is an array; it must be two integers');
    for (const learningRate of [-1, 0, Number.NaN, '0.01']) await refused({ config: LSTM, learningRate }, 'learningRate is');
    // NaN never froze the encoder, '1' was read as 1; seed 'x' and initial {} (a TypeError) were taken
    for (const freezeEncoderAfter of [Number.NaN, -1, '1']) await refused({ config: LSTM, freezeEncoderAfter }, 'freezeEncoderAfter is');
    await refused({ config: LSTM, seed: 'x' }, 'seed is "x"; it must be an integer');
    await refused({ config: LSTM, initial: {} }, 'initial must be a Captioner');
    await refused({ config: LSTM, onEpochEnd: 3 }, 'onEpochEnd is 3; it must be a function'); // was a TypeError after the first epoch
    await refused({ config: LSTM, learningrate: 1 }, 'trainCaptioner options has unknown option(s) learningrate; allowed: config, epochs'); // was trained at 3e-3
    // names of the architecture's parts were not checked: a GRU's layers: 2, an encoder's dropout trained and were saved, without effect
    await refused({ config: { ...LSTM, decoder: { ...LSTM.decoder, layers: 2 } } }, 'trainCaptioner: config.decoder (lstm) has unknown option(s) layers; allowed: type, embedding, hidden, attention');
    await refused({ config: { ...LSTM, encoder: { ...ENCODER, dropout: 0.3 } } }, 'trainCaptioner: config.encoder has unknown option(s) dropout; allowed: imageSize, patch, channels, dim');
    await refused({ config: { ...LSTM, augment: true } }, 'trainCaptioner: config has unknown option(s) augment; allowed: encoder, decoder');
    // all captions empty: refused by the vocabulary, and nothing is left allocated
    await expect(trainCaptioner(scenes.map((s) => ({ ...s, caption: '' })), { config: LSTM })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(tf.memory().numTensors).toBe(before);
    // 1e30 makes the loss NaN: stopped, and a captioner given to fine-tune keeps its weights
    await expect(trainCaptioner(scenes, { config: LSTM, epochs: 3, learningRate: 1e30 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/the loss became (NaN|Infinity) in epoch \d; lower the learning rate/) });
    expect(tf.memory().numTensors).toBe(before);
    // the captioner keeps its own architecture: a config object changed later (a sweep reusing it), or a save() result edited, changes nothing
    const sweep = structuredClone(LSTM);
    const { captioner } = await trainCaptioner(scenes, { config: sweep, epochs: 1 });
    (sweep.decoder as { hidden: number }).hidden = 32;
    const edited = captioner.save();
    edited.config.encoder.imageSize = 64;
    expect(captioner.config).toEqual(LSTM);
    expect(captioner.save().config).toEqual(LSTM);
    Captioner.load(captioner.save()).dispose(); // failed: 'lack dec/attH [32,8]'
    const saved = JSON.stringify(captioner.save().params);
    await expect(trainCaptioner(scenes, { config: LSTM, initial: captioner, epochs: 3, learningRate: 1e30 })).rejects.toMatchObject({ message: expect.stringContaining("the captioner's weights are as they were before this call") });
    expect(JSON.stringify(captioner.save().params)).toBe(saved);
    // words the captioner's fixed vocabulary lacks were trained as <unk>: the captions came out empty
    const newWords = scenes.map((s) => ({ ...s, caption: `${s.caption} zebra` }));
    // punctuation is checked as the tokenizer splits it: 'circle.' is the known 'circle' and a new '.'
    await expect(trainCaptioner(scenes.map((s) => ({ ...s, caption: `${s.caption}.` })), { config: LSTM, initial: captioner, epochs: 1 })).rejects.toMatchObject({ message: expect.stringContaining("lacks (.)") });
    await expect(trainCaptioner(newWords, { config: LSTM, initial: captioner, epochs: 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining("word(s) the initial captioner's vocabulary lacks (zebra)") });
    expect(JSON.stringify(captioner.save().params)).toBe(saved);
    captioner.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // a disposed captioner to train further is DISPOSED before any tensor is made (3 were left)
    await expect(trainCaptioner(scenes, { config: LSTM, initial: captioner, epochs: 1 })).rejects.toMatchObject({ code: 'DISPOSED' });
    expect(tf.memory().numTensors).toBe(before);
    // a caption longer than a transformer decoder's positions is refused up front, naming it (it failed in the first batch and left 30 tensors)
    const transformer: CaptionerConfig = { encoder: ENCODER, decoder: { type: 'transformer', dim: 16, heads: 2, layers: 1, feedForward: 32, maxLength: 12 } };
    const long = scenes.map((s, i) => (i === 2 ? { ...s, caption: 'one two three four five six seven eight nine ten eleven twelve' } : s));
    await expect(trainCaptioner(long, { config: transformer, epochs: 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: "example 2's caption is 12 tokens; this transformer decoder takes captions of at most 11 (config.decoder.maxLength 12 counts <bos>): shorten it or raise maxLength" });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a transformer decoder takes at most maxLength tokens: maxTokens past it is capped (the caption ends unfinished), not a failed run', async () => {
    const vocabulary = CaptionVocabulary.fromCaptions(['a red circle', 'a blue square']);
    const short = Captioner.create({ encoder: ENCODER, decoder: { type: 'transformer', dim: 16, heads: 2, layers: 1, feedForward: 32, maxLength: 4 } }, vocabulary, 3);
    const pipeline = await createImageToTextPipeline({ model: short.toCaptionModel() });
    const image = captionScenes(1, 5, 'train')[0].image;
    // untrained weights rarely say end-of-sequence: with the default 20 tokens the run failed at 5 ("input_ids has 5 tokens; this decoder takes at most 4")
    for (const options of [{}, { numBeams: 3 }, { maxTokens: 50 }]) {
      const result = await pipeline.run(image, options);
      expect(result.tokens.length, JSON.stringify(options)).toBeLessThanOrEqual(4);
    }
    pipeline.dispose();
    short.dispose();
  });

  it('loading a saved captioner that does not fit is MODEL_FORMAT naming the field, before any tensor is made', () => {
    const made = Captioner.create(LSTM, CaptionVocabulary.fromCaptions(['a red circle']), 3);
    const good = made.save();
    made.dispose();
    const cases: [string, (s: SavedCaptioner) => void, RegExp][] = [
      ['imageSize 1e6', (s) => { s.config.encoder.imageSize = 1e6; }, /config\.encoder\.imageSize is 1000000; .*\[8, 1024\]/],
      ['patch 0', (s) => { s.config.encoder.patch = 0; }, /config\.encoder\.patch is 0; .*\[1, 64\]/],
      ['dim 1e9', (s) => { s.config.encoder.dim = 1e9; }, /config\.encoder\.dim .*\[1, 4096\]/],
      ['hidden 1e8', (s) => { (s.config.decoder as { hidden: number }).hidden = 1e8; }, /config\.decoder\.hidden .*\[1, 4096\]/],
      ['short values', (s) => { s.params['dec/wx'].values = s.params['dec/wx'].values.slice(0, 100); }, /dec\/wx'\] has 100 values; .*needs \d+/],
      ['a string weight', (s) => { (s.params['dec/wx'].values as unknown[])[5] = 'x'; }, /dec\/wx'\]\.values\[5\] is "x"; .*finite/],
      ['wrong shape', (s) => { s.params['dec/wx'].shape = [s.params['dec/wx'].values.length]; }, /lack 'dec\/wx'/],
    ];
    const before = tf.memory().numTensors;
    for (const [name, edit, message] of cases) {
      const saved = structuredClone(good);
      edit(saved);
      let error: unknown;
      try {
        Captioner.load(saved).dispose();
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(VisionError);
      expect((error as VisionError).code, name).toBe('MODEL_FORMAT');
      expect((error as VisionError).message, name).toMatch(message);
      expect(tf.memory().numTensors, name).toBe(before);
    }
    Captioner.load(good).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a saved architecture without its weights is refused before its weights are made (a 261-byte file made gigabytes of random ones first)', async () => {
    const made = Captioner.create(LSTM, CaptionVocabulary.fromCaptions(['a red circle']), 3);
    const saved: SavedCaptioner = { ...made.save(), params: {} };
    made.dispose();
    saved.config = { encoder: ENCODER, decoder: { type: 'transformer', dim: 512, heads: 8, layers: 4, feedForward: 512, maxLength: 16 } };
    const profile = await tf.profile(() => {
      expect(() => Captioner.load(saved)).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT', message: expect.stringMatching(/^saved captioner weights lack 'enc\/\w+' \[[\d,]+\] \(found nothing\)$/) }));
    });
    expect(profile.peakBytes).toBeLessThan(1e6); // the declared decoder alone is ~20 MB
  });
});
