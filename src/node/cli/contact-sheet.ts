import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { describeError } from '../../core/errors';

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
}

/**
 * Writes a PNG of thumbnails in one row (the query first, then its neighbours), each fitted in
 * a 200×200 square on white with its caption under it; sharp makes the thumbnails and
 * `@napi-rs/canvas` lays them out and writes the captions. A file that cannot be read or
 * decoded gets a grey tile with its caption; those files are returned with the reason.
 *
 * @example
 * ```ts
 * const unreadable = await writeContactSheet('out/query.similar.png', [{ file: 'q.jpg', title: 'query', detail: 'q.jpg' }, ...]);
 * ```
 */
export async function writeContactSheet(path: string, tiles: readonly SheetTile[]): Promise<{ file: string; reason: string }[]> {
  const { default: sharp } = await import('sharp');
  const { createCanvas, loadImage } = await import('@napi-rs/canvas');
  const canvas = createCanvas(GAP + tiles.length * (THUMB + GAP), GAP + THUMB + CAPTION + GAP);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const unreadable: { file: string; reason: string }[] = [];
  for (const [i, tile] of tiles.entries()) {
    const x = GAP + i * (THUMB + GAP);
    try {
      const png = await sharp(tile.file).rotate().resize(THUMB, THUMB, { fit: 'contain', background: '#ffffff' }).png().toBuffer();
      ctx.drawImage(await loadImage(png), x, GAP);
    } catch (error) {
      unreadable.push({ file: tile.file, reason: describeError(error) });
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
  return unreadable;
}
