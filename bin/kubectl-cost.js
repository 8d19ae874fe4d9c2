#!/usr/bin/env node
// `kubectl cost`: kubectl runs this file when it is on the PATH as `kubectl-cost` (plugin mechanism).
// Runs the compiled plugin from dist/ (npm run build) when present, else the TypeScript sources of a
// checkout (Node ≥ 22.18 runs them directly).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/kubectl/main.js', import.meta.url);
const { main, processIo } = await import(existsSync(compiled) ? compiled.href : new URL('../src/kubectl/main.ts', import.meta.url).href);

process.exitCode = await main(process.argv.slice(2), process.env, processIo());
