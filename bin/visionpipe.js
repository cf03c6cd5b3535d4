#!/usr/bin/env node
import { main } from '../dist/cli.js';

// `visionpipe detect clip.mp4 | head`: the reader went away. Printing stops; a run that writes
// files (--out) goes on so that they come out whole (an annotated video cut at the first line
// looked finished), any other run ends here, quietly.
const args = process.argv.slice(2);
const writesFiles = args.some((arg) => arg === '--out' || arg.startsWith('--out='));
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  if (!writesFiles) process.exit(0);
});

process.exitCode = await main(args);
