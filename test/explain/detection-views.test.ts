/**
 * Detection TTA geometry: a view's pixels are the original's mirrored / shrunk into the
 * top-left of a grey frame, and unmapping a box found in a view gives the box in the original.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { detectionViews } from '../../src/index';
import { renderDetectionView, unmapDetectionView } from '../../src/pipelines/detection/detection-tta';

describe('detection TTA views', () => {
  // a 40×20 image: black, with a white 8×4 block whose corners are (10, 6) and (18, 10)
  const width = 40;
  const height = 20;
  const image = tf.tidy(() => tf.pad(tf.fill([4, 8, 3], 255, 'int32'), [[6, height - 10], [10, width - 18], [0, 0]]) as tf.Tensor3D);
  const blockOf = (view: tf.Tensor3D) => {
    const data = view.arraySync();
    const xs: number[] = [];
    const ys: number[] = [];
    data.forEach((row, y) => row.forEach((px, x) => px[0] > 200 && (xs.push(x), ys.push(y))));
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs) + 1, Math.max(...ys) + 1];
  };

  it.each([
    [{ flip: false, scale: 1 }, [10, 6, 18, 10]],
    [{ flip: true, scale: 1 }, [22, 6, 30, 10]],
    [{ flip: false, scale: 0.5 }, [5, 3, 9, 5]],
    [{ flip: true, scale: 0.5 }, [11, 3, 15, 5]],
  ])('view %o sees the block at %o, and its box maps back to (10, 6, 18, 10)', (view, expected) => {
    const picture = renderDetectionView(image, view);
    expect(picture.shape).toEqual([height, width, 3]);
    const seen = blockOf(picture);
    expect(seen).toEqual(expected);
    if (view.scale < 1) expect(picture.arraySync()[height - 1][width - 1]).toEqual([114, 114, 114]);
    picture.dispose();
    expect(Array.from(unmapDetectionView(Float32Array.from(seen), view, width, height))).toEqual([10, 6, 18, 10]);
  });

  it('detectionViews: scale by scale, plain then mirrored; one view only is an error', () => {
    expect(detectionViews({ scales: [1, 0.8] })).toEqual([{ flip: false, scale: 1 }, { flip: true, scale: 1 }, { flip: false, scale: 0.8 }, { flip: true, scale: 0.8 }]);
    expect(detectionViews({ flip: false, scales: [1, 0.7] })).toHaveLength(2);
    expect(() => detectionViews({ flip: false })).toThrow(/one view only/);
    expect(() => detectionViews({ scales: [0] })).toThrow(/in \(0, 1\]/);
    expect(() => detectionViews({ scales: Array(1000).fill(1) })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/tta\.scales has 1000 scales; at most 16/) }));
    expect(detectionViews({ scales: Array(16).fill(1) })).toHaveLength(32);
    expect(() => detectionViews({ iouThreshold: -1 })).toThrow(/tta.iouThreshold is -1; it must be a number in \[0, 1\]/);
  });
});
