import { afterAll } from 'vitest';
import { removeTmp } from './helpers.js';

// Every test file's temporary folders go when it ends (a suite run used to leave thousands in /tmp).
afterAll(removeTmp);
