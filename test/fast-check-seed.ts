// Property tests run on a fixed seed, so a CI run is reproducible and cannot turn red on inputs no
// commit touched. `npm run fuzz` explores new seeds (FUZZ_SEED=random, more runs); a failure there
// prints its seed, and FUZZ_SEED=<seed> npm run test:unit replays it. Loaded with --import.
import fc from 'fast-check';

const requested = process.env.FUZZ_SEED ?? '20261130';
const seed = requested === 'random' ? (Date.now() ^ (Math.random() * 0x100000000)) | 0 : Number(requested);
if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer or "random" (got ${JSON.stringify(requested)})`);
const numRuns = process.env.FUZZ_RUNS === undefined ? undefined : Number(process.env.FUZZ_RUNS);
fc.configureGlobal({ seed, ...(numRuns !== undefined && numRuns > 0 ? { numRuns } : {}) });
