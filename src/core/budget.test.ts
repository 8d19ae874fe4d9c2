import assert from 'node:assert/strict';
import { test } from 'node:test';
import { budgetRules, namespaceBudgets, resolveBudgets } from './budget.ts';

test('budgets come from the namespace label or annotation "budget", in USD per month', () => {
  const { budgets, errors } = namespaceBudgets([
    { name: 'production', labels: { budget: '5000', 'cost-center': 'engineering' }, annotations: {} },
    { name: 'staging', labels: {}, annotations: { budget: '1200.50', 'cost-center': 'qa' } },
    { name: 'dev', labels: {}, annotations: {} },
    { name: 'ml', labels: { budget: '5k' }, annotations: {} },
    { name: 'web', labels: { budget: '-1' }, annotations: {} },
  ]);
  assert.deepEqual(budgets, [
    { namespace: 'production', monthlyUsd: 5000, costCenter: 'engineering' },
    { namespace: 'staging', monthlyUsd: 1200.5, costCenter: 'qa' },
  ]);
  assert.deepEqual(
    errors.map((e) => e.message),
    [
      'namespaces/ml: metadata.labels.budget: must be a non-negative number of USD per month, e.g. "5000" (got "5k")',
      'namespaces/web: metadata.labels.budget: must be a non-negative number of USD per month, e.g. "5000" (got "-1")',
    ],
  );
});

test('a budgets file: namespace, label and cluster entries; a file namespace entry wins over the label', () => {
  const rules = budgetRules(
    {
      budgets: [
        { namespace: 'production', monthlyUsd: 4000 },
        { label: 'team=payments', monthlyUsd: 3000, costCenter: 'finance' },
        { cluster: true, monthlyUsd: 20000 },
      ],
    },
    'budgets.yaml',
  );
  assert.deepEqual(rules, [
    { scope: 'namespace', namespace: 'production', monthlyUsd: 4000, costCenter: '' },
    { scope: 'label', key: 'team', value: 'payments', monthlyUsd: 3000, costCenter: 'finance' },
    { scope: 'cluster', monthlyUsd: 20000, costCenter: '' },
  ]);
  const namespaces = [
    { name: 'production', labels: { budget: '5000', 'cost-center': 'engineering' }, annotations: {} },
    { name: 'payments-api', labels: { team: 'payments' }, annotations: {} },
    { name: 'payments-db', labels: { team: 'payments', budget: '700' }, annotations: {} },
    { name: 'dev', labels: {}, annotations: {} },
  ];
  const { budgets } = namespaceBudgets(namespaces, rules);
  // production: 4000 from the file (not the label's 5000), its cost center still from the label.
  assert.deepEqual(budgets, [
    { namespace: 'production', monthlyUsd: 4000, costCenter: 'engineering' },
    { namespace: 'payments-db', monthlyUsd: 700, costCenter: '' },
  ]);
  assert.deepEqual(resolveBudgets(namespaces, budgets, rules), [
    { name: 'cluster', scope: 'cluster', monthlyUsd: 20000, costCenter: '', namespaces: ['dev', 'payments-api', 'payments-db', 'production'], source: 'file' },
    { name: 'label/team=payments', scope: 'label', monthlyUsd: 3000, costCenter: 'finance', namespaces: ['payments-api', 'payments-db'], source: 'file' },
    { name: 'namespace/payments-db', scope: 'namespace', monthlyUsd: 700, costCenter: '', namespaces: ['payments-db'], source: 'namespace' },
    { name: 'namespace/production', scope: 'namespace', monthlyUsd: 4000, costCenter: 'engineering', namespaces: ['production'], source: 'file' },
  ]);
});

test('a bad budgets file is an error naming the entry, the field and the value', () => {
  const cases: [unknown, string][] = [
    [{ budget: [] }, 'b.yaml: budgets: must be a list of budgets (budgets: [{namespace: ..., monthlyUsd: ...}]) (got "{\\"budget\\":[]}")'],
    [{ budgets: [{ namespace: 'a', monthlyUsd: -5 }] }, 'b.yaml: budgets[0]: monthlyUsd: must be a non-negative number of USD per month, e.g. 5000 (got "-5")'],
    [{ budgets: [{ namespace: 'a', monthlyUsd: '500' }] }, 'b.yaml: budgets[0]: monthlyUsd: must be a non-negative number of USD per month, e.g. 5000 (got "500")'],
    [{ budgets: [{ namespace: 'a', label: 'x=y', monthlyUsd: 5 }] }, 'b.yaml: budgets[0]: namespace,label: needs exactly one of namespace, label or cluster (got "a,x=y")'],
    [{ budgets: [{ label: 'team', monthlyUsd: 5 }] }, 'b.yaml: budgets[0]: label: must be key=value, e.g. team=payments (got "team")'],
    [{ budgets: [{ cluster: 'yes', monthlyUsd: 5 }] }, 'b.yaml: budgets[0]: cluster: must be true (the budget of the whole cluster) (got "yes")'],
    [{ budgets: [{ namespace: 'a', monthlyUsd: 5, amount: 3 }] }, 'b.yaml: budgets[0]: amount: unknown field (namespace, label, cluster, monthlyUsd, costCenter) (got "3")'],
    [{ budgets: [{ cluster: true, monthlyUsd: 5 }, { cluster: true, monthlyUsd: 6 }] }, 'b.yaml: budgets[1]: cluster: a second budget for the same thing (got "cluster")'],
  ];
  for (const [doc, message] of cases) assert.throws(() => budgetRules(doc, 'b.yaml'), { name: 'InvalidObjectError', message });
});
