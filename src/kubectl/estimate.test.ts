import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EstimateRates } from './estimate.ts';
import { checkLimits, estimateCosts } from './estimate.ts';
import { ManifestError, parseManifestText, readWorkloads, UnsupportedKindError } from './estimate-manifest.ts';

// Round numbers so every expectation can be checked by hand: $0.04 per vCPU-hour, $0.005 per
// GiB-hour, $1 per GPU-hour, $0.08 per GiB-month of storage; a month is 730 hours.
const RATES: EstimateRates = {
  rates: { cpuCoreHourUsd: 0.04, ramGiBHourUsd: 0.005, gpuHourUsd: 1 },
  description: 'test rates',
  storage: () => ({ gibMonthUsd: 0.08, source: 'catalog' }),
};

function estimateOf(yaml: string, options: Partial<Parameters<typeof estimateCosts>[1]> = {}) {
  const { workloads } = readWorkloads(parseManifestText(yaml, 'test.yaml'), 'test.yaml');
  return estimateCosts(workloads, { rates: RATES, ...options });
}

const container = (resources: string, extra = '') => `
        - name: c${Math.random().toString(36).slice(2, 6)}
          image: x${extra}
          resources:
${resources}`;

function deployment(kind: string, specExtra: string, podSpec: string): string {
  return `apiVersion: apps/v1
kind: ${kind}
metadata: {name: w, namespace: ns}
spec:
${specExtra}
  template:
    spec:
${podSpec}`;
}

describe('estimateCosts (hand-computed)', () => {
  const cases: { name: string; yaml: string; options?: Partial<Parameters<typeof estimateCosts>[1]>; pods: number; total: number; cpu?: number; ram?: number; gpu?: number; pv?: number }[] = [
    {
      // pod = 0.5 vCPU, 1 GiB → 0.5×0.04 + 1×0.005 = $0.025/h; × 3 pods × 730 h = $54.75 (cpu 43.8, ram 10.95)
      name: 'Deployment: requests × replicas',
      yaml: deployment('Deployment', '  replicas: 3', `      containers:${container('            requests: {cpu: 500m, memory: 1Gi}')}`),
      pods: 3,
      total: 54.75,
      cpu: 43.8,
      ram: 10.95,
    },
    {
      // app 250m/256Mi, init 1/512Mi, overhead 100m/128Mi → cpu max(0.25,1)+0.1 = 1.1, ram 512+128 = 640Mi = 0.625 GiB
      // 1.1×0.04 + 0.625×0.005 = 0.047125/h × 730 = 34.40125; replicas absent → 1
      name: 'Deployment: init container and overhead, default 1 replica',
      yaml: deployment(
        'Deployment',
        '',
        `      overhead: {cpu: 100m, memory: 128Mi}
      initContainers:${container('            requests: {cpu: "1", memory: 512Mi}')}
      containers:${container('            requests: {cpu: 250m, memory: 256Mi}')}`,
      ),
      pods: 1,
      total: 34.40125,
    },
    {
      // native sidecar 100m/64Mi; app 200m/128Mi; init 300m/64Mi →
      // cpu max(200+100, 300+100) = 400m; ram max(128+64, 64+64) = 192Mi = 0.1875 GiB
      // 0.4×0.04 + 0.1875×0.005 = 0.0169375/h × 730 = 12.364375
      name: 'ReplicaSet: native sidecar counted in both phases',
      yaml: deployment(
        'ReplicaSet',
        '  replicas: 1',
        `      initContainers:${container('            requests: {cpu: 100m, memory: 64Mi}', '\n          restartPolicy: Always')}${container('            requests: {cpu: 300m, memory: 64Mi}')}
      containers:${container('            requests: {cpu: 200m, memory: 128Mi}')}`,
      ),
      pods: 1,
      total: 12.364375,
    },
    {
      // StatefulSet shop/db of the Helm fixture shape: cpu max(1, 2) = 2, ram max(2Gi, 512Mi) = 2 GiB
      // (2×0.04 + 2×0.005) × 2 × 730 = 0.09 × 1460 = 131.4; pv 10 GiB × 0.08 × 2 = 1.6 → 133
      name: 'StatefulSet: volumeClaimTemplates per replica',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  template:
    spec:
      initContainers:${container('            requests: {cpu: "2", memory: 512Mi}')}
      containers:${container('            requests: {cpu: "1", memory: 2Gi}')}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {resources: {requests: {storage: 10Gi}}}`,
      pods: 2,
      total: 133,
      pv: 1.6,
    },
    {
      // 0.1×0.04 + (200/1024)×0.005 = 0.004 + 0.0009765625 = 0.0049765625/h × 3 nodes × 730 = 10.89867...
      name: 'DaemonSet without a cluster: --nodes 3',
      yaml: deployment('DaemonSet', '', `      nodeSelector: {role: worker}\n      containers:${container('            requests: {cpu: 100m, memory: 200Mi}')}`),
      options: { assumedNodes: 3 },
      pods: 3,
      total: 10.898672,
    },
    {
      // 2 of 3 nodes have role=worker (the third is excluded by the selector, the fourth by NotIn): 0.0049765625 × 2 × 730 = 7.265781
      name: 'DaemonSet on a known cluster: matching nodes only',
      yaml: deployment(
        'DaemonSet',
        '',
        `      nodeSelector: {role: worker}
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions: [{key: pool, operator: NotIn, values: [gpu]}]
      containers:${container('            requests: {cpu: 100m, memory: 200Mi}')}`,
      ),
      options: {
        cluster: { nodeLabels: [{ role: 'worker' }, { role: 'worker', pool: 'general' }, { role: 'infra' }, { role: 'worker', pool: 'gpu' }], nodeCount: 4, current: () => undefined },
      },
      pods: 2,
      total: 7.265781,
    },
    {
      // (2×0.04 + 4×0.005) = 0.1/h × parallelism 2 × 10 h = 2
      name: 'Job: parallelism × --job-hours',
      yaml: `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  parallelism: 2
  template:
    spec:
      containers:${container('            requests: {cpu: "2", memory: 4Gi}')}`,
      options: { jobHoursPerMonth: 10 },
      pods: 2,
      total: 2,
    },
    {
      // requests default to limits: 1 vCPU, 1 GPU → 0.04 + 1 = 1.04/h × 730 = 759.2 (upper bound: all month)
      name: 'CronJob: limits only, GPU, all month',
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: gpu
              image: x
              resources:
                limits: {cpu: "1", nvidia.com/gpu: 1}`,
      pods: 1,
      total: 759.2,
      gpu: 730,
    },
    {
      // 0.1 × 0.04 × 730 = 2.92
      name: 'Pod',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: x
      resources: {requests: {cpu: 100m}}`,
      pods: 1,
      total: 2.92,
    },
    {
      // 20 GiB × 0.08 = 1.6
      name: 'PersistentVolumeClaim',
      yaml: `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: pvc}
spec: {storageClassName: standard, resources: {requests: {storage: 20Gi}}}`,
      pods: 1,
      total: 1.6,
    },
    {
      name: 'Deployment scaled to 0',
      yaml: deployment('Deployment', '  replicas: 0', `      containers:${container('            requests: {cpu: "4"}')}`),
      pods: 0,
      total: 0,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = estimateOf(c.yaml, c.options);
      assert.equal(e.lines.length, 1);
      const line = e.lines[0]!;
      assert.equal(line.pods, c.pods);
      assert.equal(line.totalMonthlyUsd, c.total);
      assert.equal(e.totalMonthlyUsd, c.total);
      if (c.cpu !== undefined) assert.equal(line.cpuMonthlyUsd, c.cpu);
      if (c.ram !== undefined) assert.equal(line.ramMonthlyUsd, c.ram);
      if (c.gpu !== undefined) assert.equal(line.gpuMonthlyUsd, c.gpu);
      if (c.pv !== undefined) assert.equal(line.pvMonthlyUsd, c.pv);
    });
  }
});

describe('manifests', () => {
  it('reads Helm-rendered output: comments, empty documents, non-workload kinds skipped', () => {
    const yaml = `---\n# Source: chart/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n# only a comment\n---\n${deployment('Deployment', '  replicas: 2', `      containers:${container('            requests: {cpu: 1}')}`)}\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: s}\n`;
    const reading = readWorkloads(parseManifestText(yaml, 'x.yaml'), 'x.yaml', 'team');
    assert.deepEqual(
      reading.workloads.map((w) => [w.kind, w.namespace, w.name, w.replicas]),
      [['Deployment', 'ns', 'w', 2]],
    );
    assert.deepEqual([...reading.ignoredKinds], [['ConfigMap', 1], ['Service', 1]]);
  });

  it('applies the default namespace to objects that name none', () => {
    const reading = readWorkloads(parseManifestText('kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a}]}', 'p.yaml'), 'p.yaml', 'team');
    assert.equal(reading.workloads[0]?.namespace, 'team');
  });

  it('rejects malformed YAML naming the document and line', () => {
    assert.throws(() => parseManifestText('kind: Pod\n---\nkind: [unclosed\n', 'bad.yaml'), (err: unknown) => {
      assert.ok(err instanceof ManifestError);
      assert.match(err.message, /^bad\.yaml: document 2 \(line \d+\): malformed YAML/);
      return true;
    });
  });

  it('rejects a kind that runs pods it cannot read', () => {
    const yaml = 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r, namespace: ns}\nspec: {template: {spec: {containers: []}}}';
    assert.throws(() => readWorkloads(parseManifestText(yaml, 'r.yaml'), 'r.yaml'), (err: unknown) => {
      assert.ok(err instanceof UnsupportedKindError);
      assert.equal(err.message, 'Rollout ns/r in r.yaml document 1: kind: unsupported kind (estimate reads Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, PersistentVolumeClaim) (got "Rollout")');
      return true;
    });
  });

  it('names object, field and value of a bad quantity', () => {
    const yaml = deployment('Deployment', '', `      containers:\n        - name: app\n          resources: {requests: {cpu: 10x}}`);
    assert.throws(() => readWorkloads(parseManifestText(yaml, 'd.yaml'), 'd.yaml'), (err: unknown) => {
      assert.ok(err instanceof ManifestError);
      assert.equal(err.object, 'Deployment ns/w in d.yaml document 1');
      assert.equal(err.field, 'spec.template.spec.containers[0].resources.requests.cpu');
      assert.equal(err.value, '10x');
      return true;
    });
  });

  it('rejects negative replicas', () => {
    const yaml = deployment('Deployment', '  replicas: -1', `      containers:${container('            requests: {cpu: 1}')}`);
    assert.throws(() => readWorkloads(parseManifestText(yaml, 'd.yaml'), 'd.yaml'), /Deployment ns\/w in d\.yaml document 1: spec\.replicas: expected a non-negative integer \(got "-1"\)/);
  });
});

describe('before/after and limits', () => {
  // web: 3 × 0.5 vCPU × 0.04 × 730 = 43.8 now; the manifest asks 4 × 0.5 vCPU = 58.4 (+33.3%).
  // new-svc: 1 vCPU × 0.04 × 730 = 29.2, new.
  const yaml = `${deployment('Deployment', '  replicas: 4', `      containers:${container('            requests: {cpu: 500m}')}`).replace('name: w', 'name: web')}\n---\n${deployment('Deployment', '  replicas: 1', `      containers:${container('            requests: {cpu: "1"}')}`).replace('name: w', 'name: new-svc')}`;
  const cluster = { nodeCount: 1, current: (kind: string, ns: string, name: string) => (kind === 'Deployment' && ns === 'ns' && name === 'web' ? 43.8 : undefined) };

  it('shows before for existing workloads and marks new ones', () => {
    const e = estimateOf(yaml, { cluster });
    assert.deepEqual(
      e.lines.map((l) => [l.workload.name, l.totalMonthlyUsd, l.beforeMonthlyUsd, l.isNew]),
      [
        ['web', 58.4, 43.8, false],
        ['new-svc', 29.2, undefined, true],
      ],
    );
    assert.equal(e.totalMonthlyUsd, 87.6);
    assert.equal(e.beforeMonthlyUsd, 43.8);
  });

  it('--max-increase fails above the limit with a GitHub Actions error', () => {
    const e = estimateOf(yaml, { cluster });
    // (58.4 − 43.8) / 43.8 = 33.3%
    const over = checkLimits(e, { maxIncreasePercent: 10 });
    assert.deepEqual(over.errors, ['Deployment increases costs by 33.3% ($43.80 → $58.40 per month, +$14.60), above --max-increase 10%']);
    assert.deepEqual(over.warnings, ['1 new workload add $29.20 per month (not a percentage of a current cost: use --budget to cap them)']);
    assert.deepEqual(checkLimits(e, { maxIncreasePercent: 40 }).errors, []);
  });

  it('--budget compares the whole manifest', () => {
    const e = estimateOf(yaml, { cluster });
    assert.deepEqual(checkLimits(e, { budgetMonthlyUsd: 80 }).errors, ['Estimated monthly cost $87.60 exceeds --budget $80.00']);
    assert.deepEqual(checkLimits(e, { budgetMonthlyUsd: 87.6 }).errors, []);
  });

  it('--max-increase without cluster data warns instead of passing silently', () => {
    const e = estimateOf(yaml);
    assert.equal(e.beforeMonthlyUsd, undefined);
    const r = checkLimits(e, { maxIncreasePercent: 10 });
    assert.deepEqual(r.errors, []);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /not checked: current costs unknown/);
  });
});
