// The in-memory store against the shared HistoryStore contract (the reference implementation).
import { storeContract } from './contract.test-util.ts';
import { createMemoryStore } from './memory.ts';

storeContract('memory', async ({ retention }) => createMemoryStore(retention ? { retention } : {}));
