// --auth-kubernetes end to end: the exporter (on the example snapshot) checks callers' bearer tokens
// with the test API server through @kubernetes/client-node (TokenReview, then SubjectAccessReview
// on the path), and a real Prometheus scrapes with its service-account token as in a cluster.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadServeConfig, parseArgs } from '../src/cli/config.ts';
import { startServer } from '../src/cli/serve.ts';
import { memoryLogger } from '../src/server/log.ts';
import { startTestCluster } from './kube-apiserver/harness.ts';
import { startPrometheus } from './helpers/prometheus.ts';

const examples = new URL('../examples/', import.meta.url).pathname;
const PROMETHEUS_SA = 'system:serviceaccount:monitoring:prometheus';

test('--auth-kubernetes: an allowed service account scrapes, an unknown token gets 401, a known one without RBAC 403; Prometheus scrapes with its token', async () => {
  const cluster = await startTestCluster({
    tokenReviews: {
      'prometheus-sa-token': { username: PROMETHEUS_SA },
      'ci-bot-token': { username: 'system:serviceaccount:ci:bot' },
    },
    nonResourceRules: [{ user: PROMETHEUS_SA, path: '/metrics', verb: 'get', binding: 'kube-cost-exporter-metrics-reader' }],
  });
  const logger = memoryLogger();
  const config = loadServeConfig(parseArgs(['--snapshot', `${examples}cluster.json`, '--auth-kubernetes', 'true', '--kubeconfig', cluster.kubeconfigPath, '--interval', '2s']), {});
  const server = await startServer({ ...config, port: 0, host: '127.0.0.1' }, logger, 'test', { env: {} });
  let prometheus: Awaited<ReturnType<typeof startPrometheus>> | undefined;
  try {
    const get = async (path: string, token?: string) => {
      const res = await fetch(`${server.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      return { status: res.status, text: await res.text() };
    };
    assert.equal((await get('/healthz')).status, 200);
    assert.equal((await get('/metrics')).status, 401);
    const stolen = await get('/metrics', 'stolen-token');
    assert.equal(stolen.status, 401);
    assert.match(stolen.text, /^unauthorized: send a Kubernetes service-account token allowed to get this path \(--auth-kubernetes\)/);
    const bot = await get('/metrics', 'ci-bot-token');
    assert.equal(bot.status, 403);
    assert.equal(bot.text, 'forbidden: User "system:serviceaccount:ci:bot" cannot get path "/metrics"; grant a ClusterRole with nonResourceURLs: ["/metrics"], verbs: ["get"]\n');
    const ok = await get('/metrics', 'prometheus-sa-token');
    assert.equal(ok.status, 200);
    assert.match(ok.text, /^kube_cost_cluster_hourly_usd /m);
    // Allowed /metrics only: the API is another path. The kubelet's probes need no token.
    assert.equal((await get('/api/v1/coverage', 'prometheus-sa-token')).status, 403);
    assert.equal((await get('/readyz')).status, 200);
    assert.ok(logger.lines.some((l) => l.msg.startsWith("callers' bearer tokens are checked with TokenReview and SubjectAccessReview")));
    // The reviews reached the API server as the real client sends them.
    const reviews = cluster.server.requests.filter((r) => r.path.endsWith("reviews"));
    assert.ok(reviews.length >= 2, JSON.stringify(cluster.server.requests.slice(-5)));

    prometheus = await startPrometheus({
      targets: [server.url.replace('http://', '')],
      extraConfig: ['    authorization:', '      credentials: prometheus-sa-token', '  - job_name: wrong-token', '    authorization:', '      credentials: ci-bot-token', '    static_configs:', `      - targets: ["${server.url.replace('http://', '')}"]`].join('\n'),
    });
    const p = prometheus;
    await p.waitFor('up{job="kube-cost-exporter"} == 1', (r) => r.length === 1);
    await p.waitFor('up{job="wrong-token"} == 0', (r) => r.length === 1);
  } finally {
    await prometheus?.stop();
    await server.close();
    await cluster.close();
  }
});
