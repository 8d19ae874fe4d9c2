import assert from 'node:assert/strict';
import { test } from 'node:test';
import { namespaceBudgets } from './budget.ts';

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
