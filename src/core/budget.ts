// Namespace budgets from labels or annotations, as in the design document's Terraform example:
//   metadata.labels: { budget: "5000", cost-center: "engineering" }   (USD per month)
import { InvalidObjectError } from './errors.ts';
import type { NamespaceInfo } from './model.ts';

export interface NamespaceBudget {
  readonly namespace: string;
  readonly monthlyUsd: number;
  readonly costCenter: string;
}

export const BUDGET_KEY = 'budget';
export const COST_CENTER_KEY = 'cost-center';
const AMOUNT_RE = /^\d{1,15}(\.\d{1,6})?$/;

/** Budgets of the namespaces that declare one; malformed values are errors naming the field. */
export function namespaceBudgets(namespaces: readonly NamespaceInfo[]): { budgets: NamespaceBudget[]; errors: InvalidObjectError[] } {
  const budgets: NamespaceBudget[] = [];
  const errors: InvalidObjectError[] = [];
  for (const ns of namespaces) {
    const fromLabel = ns.labels[BUDGET_KEY];
    const raw = fromLabel ?? ns.annotations[BUDGET_KEY];
    if (raw === undefined) continue;
    const field = fromLabel !== undefined ? `metadata.labels.${BUDGET_KEY}` : `metadata.annotations.${BUDGET_KEY}`;
    if (!AMOUNT_RE.test(raw.trim())) {
      errors.push(new InvalidObjectError(`namespaces/${ns.name}`, field, raw, 'must be a non-negative number of USD per month, e.g. "5000"'));
      continue;
    }
    budgets.push({
      namespace: ns.name,
      monthlyUsd: Number(raw.trim()),
      costCenter: ns.labels[COST_CENTER_KEY] ?? ns.annotations[COST_CENTER_KEY] ?? '',
    });
  }
  return { budgets, errors };
}
