import sharp from 'sharp';
import { facePhoto, packageFile } from './photos';

/** A decoded RGBA photo, as the pipelines take it. */
export interface RgbaPhoto {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 4;
}

const SKIMAGE = '/usr/lib/python3/dist-packages/skimage/data';

/**
 * 32 distinct real photos: the six group photos of @vladmandic/face-api (demo/sample1–6.jpg); 18
 * photographs of scikit-image's data folder (Debian python3-skimage; greyscale ones become RGB);
 * Grace Hopper's portrait of matplotlib's sample data (Debian python-matplotlib-data); and the 7
 * photo tiles along the top of @vladmandic/human's assets/samples.jpg (its first tile, a 3-D
 * render, is left out). Not used: skimage's motorcycle_right (the same scene as motorcycle_left
 * from a second camera), drawings, logos, textures made by programs and microscope sheets.
 */
export const RETRIEVAL_PHOTOS: readonly { name: string; file: string; tile?: { left: number; top: number; width: number; height: number } }[] = [
  ...[1, 2, 3, 4, 5, 6].map((n) => ({ name: `face-api sample${n}`, file: facePhoto(n as 1) })),
  ...['astronaut', 'brick', 'camera', 'cell', 'chelsea', 'clock_motion', 'coffee', 'coins', 'grass', 'gravel', 'ihc', 'moon', 'motorcycle_left', 'page', 'text'].map((n) => ({
    name: `skimage ${n}`,
    file: `${SKIMAGE}/${n}.png`,
  })),
  ...['hubble_deep_field', 'retina', 'rocket'].map((n) => ({ name: `skimage ${n}`, file: `${SKIMAGE}/${n}.jpg` })),
  { name: 'matplotlib grace_hopper', file: '/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg' },
  ...[
    [166, 317],
    [326, 525],
    [545, 634],
    [641, 789],
    [797, 903],
    [911, 1122],
    [1130, 1280],
  ].map(([from, to], i) => ({
    name: `human samples.jpg tile ${i + 2}`,
    file: packageFile('@vladmandic/human', 'assets/samples.jpg'),
    tile: { left: from + 2, top: 2, width: to - from - 4, height: 153 },
  })),
];

/** Decodes an encoded image (or a sharp pipeline) to RGBA. */
export async function toRgba(image: sharp.Sharp): Promise<RgbaPhoto> {
  const { data, info } = await image.toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 4 };
}

/** One of {@link RETRIEVAL_PHOTOS} as encoded PNG bytes (the tile cut out, at most 512 pixels a side: keeps the test quick), RGB. */
export async function photoPng(photo: (typeof RETRIEVAL_PHOTOS)[number]): Promise<Buffer> {
  const image = sharp(photo.file);
  return (photo.tile ? image.extract(photo.tile) : image)
    .resize(512, 512, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .removeAlpha()
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** The edits a retrieval query makes of a photo: mirrored, centre 80 % crop, brighter, JPEG quality 30. */
export const VARIANTS = ['flipped', 'cropped', 'brightened', 'recompressed'] as const;

/** A variant of an encoded photo, made with sharp. */
export async function photoVariant(png: Buffer, variant: (typeof VARIANTS)[number]): Promise<sharp.Sharp> {
  const image = sharp(png);
  switch (variant) {
    case 'flipped':
      return image.flop();
    case 'cropped': {
      const { width = 0, height = 0 } = await image.metadata();
      return image.extract({ left: Math.round(width * 0.1), top: Math.round(height * 0.1), width: Math.round(width * 0.8), height: Math.round(height * 0.8) });
    }
    case 'brightened':
      return image.modulate({ brightness: 1.3 });
    case 'recompressed':
      return sharp(await image.jpeg({ quality: 30 }).toBuffer());
  }
}
