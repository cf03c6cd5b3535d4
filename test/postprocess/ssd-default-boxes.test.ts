import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type DefaultBoxOptions,
  SSDLITE320_DEFAULT_BOXES,
  defaultBoxesPerLocation,
  torchvisionDefaultBoxes,
} from '../../src/postprocess/detection/torchvision-ssd-boxes';

interface Config {
  name: string;
  aspectRatios: number[][];
  minRatio?: number;
  maxRatio?: number;
  scales?: number[];
  steps?: number[];
  clip?: boolean;
  gridSizes: [number, number][];
  imageSize: [number, number];
  count: number;
  rows: number[];
  xyxy: number[][];
}

// Written by scripts/export_torchvision_ssd.py --fixtures (torchvision DefaultBoxGenerator).
const fixture = JSON.parse(readFileSync(new URL('../fixtures/ssd/default-boxes.json', import.meta.url), 'utf8')) as { torchvision: string; configs: Config[] };

function optionsOf(c: Config): DefaultBoxOptions {
  return {
    aspectRatios: c.aspectRatios, minRatio: c.minRatio, maxRatio: c.maxRatio, scales: c.scales, steps: c.steps, clip: c.clip,
    gridSizes: c.gridSizes, imageHeight: c.imageSize[0], imageWidth: c.imageSize[1],
  };
}

describe('torchvisionDefaultBoxes (torchvision DefaultBoxGenerator) golden fixtures', () => {
  for (const c of fixture.configs) {
    it(`${c.name}: ${c.count} boxes equal torchvision's within 1e-4 px`, () => {
      const boxes = torchvisionDefaultBoxes(optionsOf(c));
      expect(boxes.length / 4).toBe(c.count);
      c.rows.forEach((r, k) => {
        for (let j = 0; j < 4; j++) expect(Math.abs(boxes[r * 4 + j] - c.xyxy[k][j]), `row ${r}`).toBeLessThan(1e-4);
      });
    });
  }

  it('the ssdlite320 preset is the fixture configuration', () => {
    const c = fixture.configs.find((x) => x.name === 'ssdlite320')!;
    expect(torchvisionDefaultBoxes(SSDLITE320_DEFAULT_BOXES)).toEqual(torchvisionDefaultBoxes(optionsOf(c)));
  });
});

describe('torchvisionDefaultBoxes', () => {
  it('counts 2 + 2·ratios boxes per cell', () => {
    expect(defaultBoxesPerLocation([[2], [2, 3], []])).toEqual([4, 6, 2]);
    expect(torchvisionDefaultBoxes(SSDLITE320_DEFAULT_BOXES).length / 4).toBe(3234);
  });

  it('lays out one level by hand: (s, s), (s′, s′), (s√r, s/√r), (s/√r, s√r) per cell, row-major', () => {
    // single level: scales [min, max] = [0.25, 0.5] -> s′ = √(0.125)
    const boxes = torchvisionDefaultBoxes({ aspectRatios: [[4]], minRatio: 0.25, maxRatio: 0.5, gridSizes: [[1, 2]], imageWidth: 200, imageHeight: 100, format: 'cxcywh' });
    const sp = Math.sqrt(0.125);
    const expected = [
      [50, 50, 50, 25], [50, 50, sp * 200, sp * 100], [50, 50, 100, 12.5], [50, 50, 25, 50],
      [150, 50, 50, 25], [150, 50, sp * 200, sp * 100], [150, 50, 100, 12.5], [150, 50, 25, 50],
    ];
    expect(boxes.length).toBe(32);
    expected.forEach((e, i) => e.forEach((v, j) => expect(boxes[i * 4 + j]).toBeCloseTo(v, 3)));
  });

  it('xyxy and cxcywh describe the same boxes; clip only limits the relative sizes', () => {
    const base = { aspectRatios: [[2]], scales: [0.9, 1.5], gridSizes: [[2, 2]] as [number, number][], imageWidth: 100, imageHeight: 100 };
    const xyxy = torchvisionDefaultBoxes(base);
    const c = torchvisionDefaultBoxes({ ...base, format: 'cxcywh' });
    for (let i = 0; i < xyxy.length; i += 4) {
      expect(xyxy[i]).toBeCloseTo(c[i] - c[i + 2] / 2, 4);
      expect(xyxy[i + 3]).toBeCloseTo(c[i + 1] + c[i + 3] / 2, 4);
      expect(c[i + 2]).toBeLessThanOrEqual(100);
    }
    expect(xyxy[0]).toBeLessThan(0); // positions are not clipped
    const unclipped = torchvisionDefaultBoxes({ ...base, format: 'cxcywh', clip: false });
    expect(unclipped[6]).toBeCloseTo(Math.sqrt(0.9 * 1.5) * 100, 3);
  });

  it('rejects bad options with INVALID_OPTION', () => {
    const base: DefaultBoxOptions = { aspectRatios: [[2]], gridSizes: [[2, 2]], imageWidth: 10, imageHeight: 10 };
    const bad: Partial<DefaultBoxOptions>[] = [
      { gridSizes: [] },
      { gridSizes: [[2, 0]] },
      { imageWidth: 0 },
      { steps: [8, 16] },
      { scales: [0.5] },
      { format: 'xywh' as 'xyxy' },
    ];
    for (const patch of bad) {
      expect(() => torchvisionDefaultBoxes({ ...base, ...patch }), JSON.stringify(patch)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
    expect(() => torchvisionDefaultBoxes({ ...base, gridSizes: [[30_000, 30_000]] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/^torchvisionDefaultBoxes: these settings make 3600000000 anchors; at most 1000000/) }));
  });
});
