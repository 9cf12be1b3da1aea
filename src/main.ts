// The entry point of the single-executable build (scripts/build-bin.mjs); bin/rtev does the same.
import { run } from './cli.js';

void run();
