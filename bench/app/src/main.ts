/**
 * The benchmark app: the kit as an app ships it (AOT, zoneless, production build), with one
 * function per scenario on `window.offlineSyncBench` for bench/run.mjs to call.
 */
import { burstWrite, singleWrites } from './scenarios/local-writes';
import { coldStart, holdHydratedKit, holdPlainArray, releaseHeld } from './scenarios/cold-start';
import { preparePull, pull, pulledDatabase, push, runPreparedPull } from './scenarios/push-pull';
import { realtime } from './scenarios/realtime';
import { delta } from './scenarios/delta';
import { seedServer } from './scenarios/seed-server';

const scenarios = {
  burstWrite,
  singleWrites,
  coldStart,
  holdHydratedKit,
  holdPlainArray,
  releaseHeld,
  push,
  pull,
  pulledDatabase,
  preparePull,
  runPreparedPull,
  realtime,
  delta,
  seedServer,
};

declare global {
  interface Window {
    offlineSyncBench: typeof scenarios;
  }
}

window.offlineSyncBench = scenarios;
