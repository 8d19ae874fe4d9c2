// Keeps the latest reading's HPAs, PDBs and local storage as the advice reads them
// (core/advice/policies.ts), for the advisor and the /api/v1/recommendations route: the store does
// not record them, so they are the cluster's current ones. Recomputed only when the source hands
// over new arrays (the kube source reuses them while nothing changed). On a shared store
// (PostgreSQL) they are also published for `--hub` exporters (AdviceFactsStore): when they change,
// and every `refreshMs` so that their age says the exporter is alive; a failed write is logged and
// tried again at the next cycle. `hubPolicies` is the hub's side. docs/advice.md, docs/multi-cluster.md.
import type { AdvicePolicies, WorkloadPolicies } from '../core/advice/policies.ts';
import { advicePolicies, combinePolicies, policiesFromJson, policiesToJson } from '../core/advice/policies.ts';
import type { ClusterSnapshot } from '../core/model.ts';
import type { AdviceFactsStore } from '../store/types.ts';
import type { PolicyView } from './advice-routes.ts';
import type { CycleHook } from './exporter.ts';
import type { Logger } from './log.ts';

export interface PolicyTracker {
  readonly hook: CycleHook;
  /** Undefined until the first reading; `hpas` undefined when the source does not list HPAs. */
  current(): AdvicePolicies | undefined;
}

export interface PublishOptions {
  readonly facts: AdviceFactsStore;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Written again after this long even when nothing changed (10 minutes). */
  readonly refreshMs?: number;
}

export function createPolicyTracker(cluster: string, publish?: PublishOptions): PolicyTracker {
  let seen: { policies: WorkloadPolicies | undefined; snapshot: ClusterSnapshot } | undefined;
  let current: AdvicePolicies | undefined;
  let published: { facts: AdvicePolicies; atMs: number } | undefined;
  let failing = false;
  const save = async (): Promise<void> => {
    if (publish === undefined || current === undefined) return;
    const { facts, logger, now = Date.now, refreshMs = 600_000 } = publish;
    const atMs = now();
    if (published?.facts === current && atMs - published.atMs < refreshMs) return;
    try {
      await facts.write(cluster, policiesToJson(current), atMs);
      published = { facts: current, atMs };
      if (failing) logger.info('advice facts (HPAs, PDBs, local storage) written to the shared store again', { cluster });
      failing = false;
    } catch (err) {
      if (!failing) logger.warn('cannot write this cluster\'s advice facts (HPAs, PDBs, local storage) to the shared store; --hub exporters advise it without them; tried again each cycle', { cluster, error: err instanceof Error ? err.message : String(err) });
      failing = true;
    }
  };
  return {
    hook: {
      component: 'advice-policies',
      async handle(cycle) {
        const { policies, snapshot } = cycle.reading;
        const s = seen?.snapshot;
        const same =
          s !== undefined &&
          seen?.policies === policies &&
          s.pods === snapshot.pods &&
          s.persistentVolumeClaims === snapshot.persistentVolumeClaims &&
          s.persistentVolumes === snapshot.persistentVolumes &&
          s.storageClasses === snapshot.storageClasses;
        if (!same) {
          seen = { policies, snapshot };
          current = advicePolicies(policies, snapshot, cluster);
        }
        await save();
      },
    },
    current: () => current,
  };
}

/**
 * What a `--hub` advises with: every cluster's published facts from the shared store, the hub's
 * own cluster's from its tracker (fresher), combined (core/advice/policies.ts combinePolicies). A
 * cluster whose document cannot be read is left out with a warning; a store that does not answer
 * leaves the own cluster's facts only. `hpasUnknown` names clusters without HPA facts.
 */
export function hubPolicies(options: { facts: AdviceFactsStore | undefined; own?: { cluster: string; current: () => AdvicePolicies | undefined }; logger: Logger }): () => Promise<PolicyView> {
  return async () => {
    const byCluster = new Map<string, AdvicePolicies>();
    const warnings: string[] = [];
    if (options.facts) {
      try {
        for (const doc of await options.facts.read()) {
          try {
            byCluster.set(doc.cluster, policiesFromJson(doc.facts, doc.cluster));
          } catch (err) {
            warnings.push(`advice facts of cluster ${doc.cluster} left out: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      } catch (err) {
        options.logger.warn('cannot read the clusters\' advice facts from the shared store', { error: err instanceof Error ? err.message : String(err) });
        warnings.push('the clusters\' HPA, PDB and local-storage facts could not be read from the store: advice without them');
      }
    }
    const own = options.own?.current();
    if (options.own && own) byCluster.set(options.own.cluster, own);
    if (byCluster.size === 0) return { policies: { hpas: undefined, spotFacts: new Map() }, clusters: [], warnings };
    const { policies, hpasUnknown } = combinePolicies(byCluster);
    return { policies, clusters: [...byCluster.keys()].sort(), hpasUnknown, warnings };
  };
}
