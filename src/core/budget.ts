// Budgets, in USD per month. From namespace labels or annotations, as in the design document's
// Terraform example:
//   metadata.labels: { budget: "5000", cost-center: "engineering" }
// or from a budgets file (`--budgets FILE`, docs/alerts.md), per namespace, per namespace label
// (every namespace carrying it, together) or for the whole cluster:
//   budgets:
//     - { namespace: checkout, monthlyUsd: 500, costCenter: engineering }
//     - { label: team=payments, monthlyUsd: 3000 }
//     - { cluster: true, monthlyUsd: 20000 }
// A file entry for a namespace wins over the namespace's own label. Pure: the file arrives parsed.
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

/** One entry of a budgets file. */
export type BudgetRule =
  | { readonly scope: 'namespace'; readonly namespace: string; readonly monthlyUsd: number; readonly costCenter: string }
  | { readonly scope: 'label'; readonly key: string; readonly value: string; readonly monthlyUsd: number; readonly costCenter: string }
  | { readonly scope: 'cluster'; readonly monthlyUsd: number; readonly costCenter: string };

/**
 * A budget with the namespaces it covers: its name is `namespace/<ns>`, `label/<key>=<value>` or
 * `cluster`. A label or cluster budget covers every namespace (now) carrying the label, or all.
 */
export interface Budget {
  readonly name: string;
  readonly scope: 'namespace' | 'label' | 'cluster';
  readonly monthlyUsd: number;
  readonly costCenter: string;
  /** Namespaces whose cost counts against it; for a cluster budget, every namespace (idle included by the caller). */
  readonly namespaces: readonly string[];
  readonly source: 'namespace' | 'file';
}

/** Budgets of the namespaces that declare one (file entries win); malformed values are errors naming the field. */
export function namespaceBudgets(namespaces: readonly NamespaceInfo[], rules: readonly BudgetRule[] = []): { budgets: NamespaceBudget[]; errors: InvalidObjectError[] } {
  const budgets: NamespaceBudget[] = [];
  const errors: InvalidObjectError[] = [];
  const fromFile = new Map<string, BudgetRule & { scope: 'namespace' }>();
  for (const r of rules) if (r.scope === 'namespace') fromFile.set(r.namespace, r);
  for (const ns of namespaces) {
    const file = fromFile.get(ns.name);
    if (file) {
      budgets.push({ namespace: ns.name, monthlyUsd: file.monthlyUsd, costCenter: file.costCenter || (ns.labels[COST_CENTER_KEY] ?? ns.annotations[COST_CENTER_KEY] ?? '') });
      continue;
    }
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

const LABEL_RE = /^([A-Za-z0-9][-A-Za-z0-9_./]{0,252})=([-A-Za-z0-9_.]{0,63})$/;
const NAME_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The entries of a parsed budgets file (`{ budgets: [...] }`); `source` names the file in errors.
 * Throws InvalidObjectError naming the entry, the field and the value.
 */
export function budgetRules(doc: unknown, source: string): BudgetRule[] {
  const list = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>)['budgets'] : undefined;
  if (!Array.isArray(list)) throw new InvalidObjectError(source, 'budgets', JSON.stringify(doc ?? null).slice(0, 80), 'must be a list of budgets (budgets: [{namespace: ..., monthlyUsd: ...}])');
  const seen = new Set<string>();
  return list.map((entry, i): BudgetRule => {
    const where = `${source}: budgets[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new InvalidObjectError(where, '', JSON.stringify(entry ?? null).slice(0, 80), 'must be a mapping');
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      if (!['namespace', 'label', 'cluster', 'monthlyUsd', 'costCenter'].includes(k)) throw new InvalidObjectError(where, k, String(e[k]).slice(0, 80), 'unknown field (namespace, label, cluster, monthlyUsd, costCenter)');
    }
    const amount = e['monthlyUsd'];
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || amount > 1e15) {
      throw new InvalidObjectError(where, 'monthlyUsd', String(amount), 'must be a non-negative number of USD per month, e.g. 5000');
    }
    const costCenter = e['costCenter'] === undefined ? '' : e['costCenter'];
    if (typeof costCenter !== 'string') throw new InvalidObjectError(where, 'costCenter', String(costCenter), 'must be a string');
    const scopes = ['namespace', 'label', 'cluster'].filter((k) => e[k] !== undefined);
    if (scopes.length !== 1) throw new InvalidObjectError(where, scopes.join(',') || 'namespace', scopes.map((k) => String(e[k])).join(','), 'needs exactly one of namespace, label or cluster');
    let rule: BudgetRule;
    if (e['namespace'] !== undefined) {
      const ns = e['namespace'];
      if (typeof ns !== 'string' || !NAME_RE.test(ns)) throw new InvalidObjectError(where, 'namespace', String(ns), 'must be a namespace name');
      rule = { scope: 'namespace', namespace: ns, monthlyUsd: amount, costCenter };
    } else if (e['label'] !== undefined) {
      const m = typeof e['label'] === 'string' ? LABEL_RE.exec(e['label']) : null;
      if (!m) throw new InvalidObjectError(where, 'label', String(e['label']), 'must be key=value, e.g. team=payments');
      rule = { scope: 'label', key: m[1]!, value: m[2]!, monthlyUsd: amount, costCenter };
    } else {
      if (e['cluster'] !== true) throw new InvalidObjectError(where, 'cluster', String(e['cluster']), 'must be true (the budget of the whole cluster)');
      rule = { scope: 'cluster', monthlyUsd: amount, costCenter };
    }
    const name = ruleName(rule);
    if (seen.has(name)) throw new InvalidObjectError(where, rule.scope, name, 'a second budget for the same thing');
    seen.add(name);
    return rule;
  });
}

function ruleName(r: BudgetRule): string {
  return r.scope === 'namespace' ? `namespace/${r.namespace}` : r.scope === 'label' ? `label/${r.key}=${r.value}` : 'cluster';
}

/**
 * Every budget in force: the namespace budgets (labels, or the file) and the file's label and
 * cluster budgets with the namespaces they cover now, sorted by name.
 */
export function resolveBudgets(namespaces: readonly NamespaceInfo[], namespaceLevel: readonly NamespaceBudget[], rules: readonly BudgetRule[]): Budget[] {
  const fileNamespaces = new Set(rules.flatMap((r) => (r.scope === 'namespace' ? [r.namespace] : [])));
  const out: Budget[] = namespaceLevel.map((b) => ({
    name: `namespace/${b.namespace}`,
    scope: 'namespace',
    monthlyUsd: b.monthlyUsd,
    costCenter: b.costCenter,
    namespaces: [b.namespace],
    source: fileNamespaces.has(b.namespace) ? 'file' : 'namespace',
  }));
  for (const r of rules) {
    if (r.scope === 'namespace') continue;
    const covered = r.scope === 'cluster' ? namespaces.map((n) => n.name) : namespaces.filter((n) => n.labels[r.key] === r.value).map((n) => n.name);
    out.push({ name: ruleName(r), scope: r.scope, monthlyUsd: r.monthlyUsd, costCenter: r.costCenter, namespaces: covered.sort(), source: 'file' });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
