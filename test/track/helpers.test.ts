import { describe, it, expect } from 'vitest';
import { countIdSwitches, idsPerObject, totalIdSwitches, type Assignment } from './helpers';

describe('ID-switch counting (test helper)', () => {
  it('counts changes of the id assigned to each object, across untracked frames', () => {
    const history: Assignment[] = [
      new Map([[1, 10], [2, 20]]),
      new Map([[1, 10], [2, 21]]), // object 2 switches
      new Map([[1, 10]]), // object 2 not tracked
      new Map([[1, 20], [2, 21]]), // object 1 switches; object 2 keeps 21 across the gap
      new Map([[1, 10], [2, 21]]), // object 1 switches back
    ];
    expect(countIdSwitches(history)).toEqual(new Map([[1, 2], [2, 1]]));
    expect(totalIdSwitches(history)).toBe(3);
    expect(idsPerObject(history).get(1)).toEqual(new Set([10, 20]));
  });
});
