import { VisionError } from '../core/errors';
import type { Box } from '../core/types';
import { shownData } from '../core/shown-value';

/**
 * A {@link HeatMap} as plain, structured-clone-safe data: its size and a copy of its values
 * (row-major, 0–1). `values.buffer` belongs to the packed copy, so it can be transferred.
 *
 * @example
 * ```ts
 * const packed: PackedHeatMap = heat.pack();
 * port.postMessage(packed, [packed.values.buffer]);
 * ```
 */
export interface PackedHeatMap {
  width: number;
  height: number;
  values: Float32Array;
}

let openHeatMaps = 0;

/**
 * An owned saliency map at the size of the explained image: one value per pixel in [0, 1]
 * (1 = the pixel mattered most to the explained score). It holds a CPU `Float32Array` (never a
 * tensor): read it with {@link toFloat32Array}, send it to a worker with {@link pack}, and
 * {@link close} it when done; later reads throw `DISPOSED`.
 *
 * @example
 * ```ts
 * const { heatMap } = await explain(classifier, photo, { method: 'occlusion' });
 * console.log(heatMap.massInside(box)); // share of the saliency inside a box
 * heatMap.close();
 * ```
 */
export class HeatMap {
  private data: Float32Array | null;

  private constructor(
    /** Width in pixels (the explained image's). */
    readonly width: number,
    /** Height in pixels (the explained image's). */
    readonly height: number,
    data: Float32Array,
  ) {
    this.data = data;
    openHeatMaps += 1;
  }

  /** How many heat maps are open now (created, not yet closed). @example `expect(HeatMap.openCount).toBe(before);` */
  static get openCount(): number {
    return openHeatMaps;
  }

  /**
   * Wraps raw saliency (any non-negative scale; negative and non-finite values count as 0),
   * normalised so that its maximum is 1. An all-zero map stays all zero. The array is adopted.
   *
   * @throws VisionError `INVALID_INPUT` when the size is not positive integers or the values do not fit it.
   * @example
   * ```ts
   * const heat = HeatMap.fromSaliency(4, 3, new Float32Array(12).fill(0.5)); // all 1
   * ```
   */
  static fromSaliency(width: number, height: number, values: Float32Array): HeatMap {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new VisionError('INVALID_INPUT', `HeatMap: size ${width}×${height} must be positive integers`);
    }
    if (!(values instanceof Float32Array) || values.length !== width * height) {
      throw new VisionError('INVALID_INPUT', `HeatMap: expected a Float32Array of ${width * height} values for ${width}×${height}`);
    }
    let max = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!(v > 0) || !Number.isFinite(v)) values[i] = 0;
      else if (v > max) max = v;
    }
    if (max > 0) for (let i = 0; i < values.length; i++) values[i] /= max;
    return new HeatMap(width, height, values);
  }

  /**
   * Rebuilds a heat map from {@link pack}'s data (adopting `packed.values`, renormalised).
   *
   * @throws VisionError `INVALID_INPUT` when the data does not fit its size.
   * @example
   * ```ts
   * const heat = HeatMap.unpack(message.heatMap);
   * ```
   */
  static unpack(packed: PackedHeatMap): HeatMap {
    if (typeof packed !== 'object' || packed === null) throw new VisionError('INVALID_INPUT', 'HeatMap.unpack: expected a packed heat map object');
    return HeatMap.fromSaliency(packed.width, packed.height, packed.values);
  }

  /** Whether {@link close} was called. @example `if (!heat.closed) heat.close();` */
  get closed(): boolean {
    return this.data === null;
  }

  private values(): Float32Array {
    if (!this.data) throw new VisionError('DISPOSED', 'this heat map was closed');
    return this.data;
  }

  /** The value (0–1) at a pixel; 0 outside the map. @example `heat.at(10, 20)` */
  at(x: number, y: number): number {
    const values = this.values();
    if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= this.width || y >= this.height) return 0;
    return values[y * this.width + x];
  }

  /** A copy of the values, row-major, 0–1. @example `const v = heat.toFloat32Array();` */
  toFloat32Array(): Float32Array {
    return this.values().slice();
  }

  /**
   * The values as bytes (0–255, rounded), row-major — the shape render helpers take.
   *
   * @example
   * ```ts
   * const alpha = heat.toUint8Array();
   * ```
   */
  toUint8Array(): Uint8Array {
    const values = this.values();
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = Math.round(values[i] * 255);
    return out;
  }

  /**
   * The share (0–1) of the map's total mass that lies inside a box (image pixels; a pixel
   * counts when its centre is inside). 0 for an all-zero map.
   *
   * @example
   * ```ts
   * const focus = heat.massInside(detection.box); // 0.8: 80 % of the saliency is on the object
   * ```
   */
  massInside(box: Box): number {
    const values = this.values();
    if (typeof box !== 'object' || box === null || ![box.x1, box.y1, box.x2, box.y2].every((v) => typeof v === 'number' && !Number.isNaN(v))) {
      throw new VisionError('INVALID_INPUT', `massInside needs a box { x1, y1, x2, y2 } in image pixels; got ${shownData(box)}`);
    }
    let total = 0;
    let inside = 0;
    for (let y = 0; y < this.height; y++) {
      const rowInside = y + 0.5 >= box.y1 && y + 0.5 <= box.y2;
      for (let x = 0; x < this.width; x++) {
        const v = values[y * this.width + x];
        total += v;
        if (rowInside && x + 0.5 >= box.x1 && x + 0.5 <= box.x2) inside += v;
      }
    }
    return total > 0 ? inside / total : 0;
  }

  /**
   * The map as plain data with its own buffer — how heat maps cross worker boundaries
   * ({@link HeatMap.unpack} rebuilds one).
   *
   * @example
   * ```ts
   * const packed = heat.pack();
   * heat.close();
   * port.postMessage(packed, [packed.values.buffer]);
   * ```
   */
  pack(): PackedHeatMap {
    return { width: this.width, height: this.height, values: this.values().slice() };
  }

  /** An independent copy (close both). @example `const kept = heat.clone();` */
  clone(): HeatMap {
    return new HeatMap(this.width, this.height, this.values().slice());
  }

  /** Frees the values; later reads throw `DISPOSED`. Safe to call twice. @example `heat.close();` */
  close(): void {
    if (!this.data) return;
    this.data = null;
    openHeatMaps -= 1;
  }
}
