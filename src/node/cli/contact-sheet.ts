import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { describeError } from '../../core/errors';
import { resolveMaxPixels } from '../../core/image-limits';
import { readLocalFileChecked } from '../local-file';

/** Thumbnail edge and the caption strip under it, in pixels. */
const THUMB = 200;
const CAPTION = 36;
const GAP = 8;

/**
 * One picture of a contact sheet: the image file and the two caption lines under it.
 *
 * @example
 * ```ts
 * const tile: SheetTile = { file: 'cat.jpg', title: '1. cat.jpg', detail: 'score 0.934' };
 * ```
 */
export interface SheetTile {
  file: string;
  title: string;
  detail: string;
  /** The file's bytes, where already read (a query read from a pipe can be read only once); else the file is read. */
  bytes?: Uint8Array;
}

/**
 * A picture a contact sheet could not show: its file, why, and whether that was its size
 * (over the pixel limit) rather than a file that cannot be read or decoded.
 *
 * @example
 * ```ts
 * const blank: BlankTile = { file: 'huge.png', reason: '10000×10000 pixels, over the limit of 1000000 (--max-pixels)', tooLarge: true };
 * ```
 */
export interface BlankTile {
  file: string;
  reason: string;
  tooLarge: boolean;
}

/**
 * Writes a PNG of thumbnails in one row (the query first, then its neighbours), each fitted in
 * a 200×200 square on white with its caption under it; sharp makes the thumbnails and
 * `@napi-rs/canvas` lays them out and writes the captions. A file that cannot be read or
 * decoded, is a named pipe or a device (never waited on), or has more than `maxPixels` pixels
 * (default `DEFAULT_MAX_PIXELS`, as every decode of the CLI), gets a grey tile with its caption;
 * those files are returned with the reason.
 *
 * @example
 * ```ts
 * const blank = await writeContactSheet('out/query.similar.png', [{ file: 'q.jpg', title: 'query', detail: 'q.jpg' }, ...], args.maxPixels);
 * ```
 */
export async function writeContactSheet(path: string, tiles: readonly SheetTile[], maxPixels?: number): Promise<BlankTile[]> {
  const limit = resolveMaxPixels(maxPixels);
  const { default: sharp } = await import('sharp');
  const { createCanvas, loadImage } = await import('@napi-rs/canvas');
  const canvas = createCanvas(GAP + tiles.length * (THUMB + GAP), GAP + THUMB + CAPTION + GAP);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const blank: BlankTile[] = [];
  for (const [i, tile] of tiles.entries()) {
    const x = GAP + i * (THUMB + GAP);
    try {
      // read here, not by libvips from the path: a named pipe or device among the index's files is refused, not waited on
      const bytes = tile.bytes ?? (await readLocalFileChecked(tile.file));
      const png = await sharp(bytes, { limitInputPixels: limit }).rotate().resize(THUMB, THUMB, { fit: 'contain', background: '#ffffff' }).png().toBuffer();
      ctx.drawImage(await loadImage(png), x, GAP);
    } catch (error) {
      const tooLarge = /pixel limit/i.test(describeError(error));
      blank.push({ file: tile.file, reason: tooLarge ? `more than ${limit} pixels (--max-pixels)` : describeError(error), tooLarge });
      ctx.fillStyle = '#d0d0d0';
      ctx.fillRect(x, GAP, THUMB, THUMB);
    }
    ctx.fillStyle = i === 0 ? '#1565c0' : '#222222';
    ctx.font = 'bold 13px sans-serif';
    ctx.fillText(tile.title, x, GAP + THUMB + 15, THUMB);
    ctx.font = '12px sans-serif';
    ctx.fillText(tile.detail || basename(tile.file), x, GAP + THUMB + 31, THUMB);
  }
  await writeFile(path, canvas.toBuffer('image/png'));
  return blank;
}
