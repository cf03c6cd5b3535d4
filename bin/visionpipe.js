#!/usr/bin/env node
import { main } from '../dist/cli.js';

// `visionpipe detect clip.mp4 | head`: the reader went away; stop quietly instead of crashing.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
