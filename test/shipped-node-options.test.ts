// The exporter's V8 flags (decision 0020) are set where users run it: the image's NODE_OPTIONS, and
// `npm start`; `npm run bench` measures with the same, so the figures in docs/benchmarks.md are the
// shipped ones. One value, checked here in all three places.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

test('the image, npm start and npm run bench run the exporter with the same V8 flags', () => {
  const env = /^ENV .*\bNODE_OPTIONS=(\S+)/m.exec(read('Dockerfile'))?.[1];
  assert.equal(env, '--max-semi-space-size=8', 'Dockerfile ENV NODE_OPTIONS');
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  assert.equal(scripts['start'], `node ${env} src/cli/kube-cost-exporter.ts`);
  assert.equal(scripts['bench'], `node --expose-gc ${env} bench/run.ts`);
  // Manifests that set NODE_OPTIONS for the exporter would replace the image's: only the agent's do.
  for (const manifest of ['deploy/helm/kube-cost-exporter/templates/deployment.yaml', 'deploy/kustomize/base/deployment.yaml']) {
    assert.ok(!read(manifest).includes('NODE_OPTIONS'), `${manifest} sets NODE_OPTIONS`);
  }
});
