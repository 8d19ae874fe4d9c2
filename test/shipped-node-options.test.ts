// The exporter's V8 flags are the same wherever users run it — the image's NODE_OPTIONS and
// `npm start` — and `npm run bench` measures with them, so the figures in docs/benchmarks.md are
// the shipped ones (decisions 0025 and 0029: `--max-semi-space-size=4`, V8's young generation capped at
// 2 × 4 MiB; decision 0030: `--expose-gc`, for the collection after each cycle). One value, checked
// here in all three places.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { dockerfileEnv } from '../bench/shipped.ts';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

test('the image, npm start and npm run bench run the exporter with the same V8 flags', () => {
  const env = dockerfileEnv(read('Dockerfile'))['NODE_OPTIONS'] ?? '';
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  const flags = (script: string | undefined, before: string, after: string): string => {
    const m = new RegExp(`^node ${before}(.*?) ?${after}$`).exec(script ?? '');
    assert.ok(m, `${script} is not "node ${before}<flags> ${after}"`);
    return (m[1] ?? '').trim();
  };
  assert.equal(flags(scripts['start'], '', 'src/cli/kube-cost-exporter.ts'), env, 'npm start and the image');
  assert.equal(flags(scripts['bench'], '', 'bench/run.ts'), env, 'npm run bench and the image');
  assert.match(env, /--max-semi-space-size=\d+/, 'the image caps the young generation (decision 0025)');
  assert.match(env, /(^| )--expose-gc( |$)/, 'the image exposes the collector --reclaim-memory uses (decision 0030)');
  // Manifests that set NODE_OPTIONS for the exporter would replace the image's: only the agent's do.
  for (const manifest of ['deploy/helm/kube-cost-exporter/templates/deployment.yaml', 'deploy/kustomize/base/deployment.yaml']) {
    assert.ok(!read(manifest).includes('NODE_OPTIONS'), `${manifest} sets NODE_OPTIONS`);
  }
});
