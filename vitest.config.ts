import { defineConfig } from 'vitest/config';
import { DurationSequencer } from './test/setup/duration-sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    // longest files first (recorded durations), so both workers end together
    sequence: { sequencer: DurationSequencer },
  },
});
