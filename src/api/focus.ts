// FOCUS export (pure): allocations in the FinOps Open Cost and Usage Specification 1.1 column
// layout, one row per allocation, step and cost component (CPU, RAM, GPU, volumes, network, load
// balancers) with a cost above zero. The mapping is documented in docs/api.md ("FOCUS export").
// These are estimates from prices (or reconciled with a bill: x_CostBasis), not an invoice.
import type { AllocationResult, AllocationSetResult } from './allocation.ts';
import type { Cell } from './csv.ts';
import { toCsv } from './csv.ts';
import { rfc3339 } from './render.ts';

export const FOCUS_COLUMNS = [
  'AvailabilityZone',
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'CapacityReservationId',
  'CapacityReservationStatus',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargeFrequency',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'CommitmentDiscountCategory',
  'CommitmentDiscountId',
  'CommitmentDiscountName',
  'CommitmentDiscountQuantity',
  'CommitmentDiscountStatus',
  'CommitmentDiscountType',
  'CommitmentDiscountUnit',
  'ConsumedQuantity',
  'ConsumedUnit',
  'ContractedCost',
  'ContractedUnitPrice',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'ListUnitPrice',
  'PricingCategory',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'RegionId',
  'RegionName',
  'ResourceId',
  'ResourceName',
  'ResourceType',
  'ServiceCategory',
  'ServiceName',
  'ServiceSubcategory',
  'SkuId',
  'SkuMeter',
  'SkuPriceDetails',
  'SkuPriceId',
  'SubAccountId',
  'SubAccountName',
  'Tags',
  'x_Cluster',
  'x_Namespace',
  'x_Node',
  'x_Pod',
  'x_ControllerKind',
  'x_Controller',
  'x_CostComponent',
  'x_CostBasis',
  'x_SpotSavings',
] as const;

type Component = 'cpu' | 'ram' | 'gpu' | 'pv' | 'network' | 'loadBalancer';

interface ComponentSpec {
  readonly label: string;
  readonly serviceCategory: 'Compute' | 'Storage' | 'Networking';
  readonly serviceSubcategory: string;
  readonly unit: string | null;
  cost(a: AllocationResult): number;
  quantity(a: AllocationResult): number | null;
}

const GIB = 2 ** 30;

const COMPONENTS: Readonly<Record<Component, ComponentSpec>> = {
  cpu: { label: 'CPU', serviceCategory: 'Compute', serviceSubcategory: 'Containers', unit: 'Core-Hours', cost: (a) => a.cpuCost, quantity: (a) => a.cpuCoreHours },
  ram: { label: 'RAM', serviceCategory: 'Compute', serviceSubcategory: 'Containers', unit: 'GiB-Hours', cost: (a) => a.ramCost, quantity: (a) => a.ramByteHours / GIB },
  gpu: { label: 'GPU', serviceCategory: 'Compute', serviceSubcategory: 'Containers', unit: 'GPU-Hours', cost: (a) => a.gpuCost, quantity: (a) => a.gpuHours },
  pv: { label: 'persistent volumes', serviceCategory: 'Storage', serviceSubcategory: 'Block Storage', unit: null, cost: (a) => a.pvCost, quantity: () => null },
  network: { label: 'network', serviceCategory: 'Networking', serviceSubcategory: 'Network Connectivity', unit: null, cost: (a) => a.networkCost, quantity: () => null },
  loadBalancer: { label: 'load balancers', serviceCategory: 'Networking', serviceSubcategory: 'Network Infrastructure', unit: 'Hours', cost: (a) => a.loadBalancerCost, quantity: (a) => a.minutes / 60 },
};

function billingPeriod(ms: number): [string, string] {
  const d = new Date(ms);
  return [rfc3339(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)), rfc3339(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))];
}

function resourceType(a: AllocationResult): string {
  if (a.idle) return 'Idle capacity';
  if (a.name.endsWith('__unmounted__')) return 'Unmounted volume';
  if (a.name.endsWith('__unallocated__') && a.pods === 0) return 'Unallocated';
  if (a.pods === 1 && a.properties.pod) return 'Pod';
  return 'Allocation group';
}

/** FOCUS rows as column → value records, in FOCUS_COLUMNS order. */
export function focusRows(sets: readonly AllocationSetResult[]): Record<(typeof FOCUS_COLUMNS)[number], Cell>[] {
  const out: Record<(typeof FOCUS_COLUMNS)[number], Cell>[] = [];
  for (const set of sets) {
    for (const a of set.allocations) {
      const p = a.properties;
      const computeCost = a.cpuCost + a.ramCost + a.gpuCost;
      const [periodStart, periodEnd] = billingPeriod(a.startMs);
      for (const [component, spec] of Object.entries(COMPONENTS) as [Component, ComponentSpec][]) {
        const cost = spec.cost(a);
        if (!(cost > 0)) continue;
        const quantity = spec.quantity(a);
        const compute = spec.serviceCategory === 'Compute';
        const savings = compute && computeCost > 0 ? (a.spotSavings * cost) / computeCost : 0;
        const listCost = cost + savings;
        const unitPrice = (c: number) => (quantity !== null && quantity > 0 ? c / quantity : null);
        const where = a.idle ? `idle capacity ${a.name}` : `${a.name}`;
        out.push({
          AvailabilityZone: null,
          BilledCost: cost,
          BillingAccountId: p.cluster ?? null,
          BillingAccountName: p.cluster ?? null,
          BillingCurrency: 'USD',
          BillingPeriodEnd: periodEnd,
          BillingPeriodStart: periodStart,
          CapacityReservationId: null,
          CapacityReservationStatus: null,
          ChargeCategory: 'Usage',
          ChargeClass: null,
          ChargeDescription: `Kubernetes ${spec.label} of ${where}${quantity !== null && spec.unit ? `: ${Number(quantity.toPrecision(6))} ${spec.unit}` : ''}`,
          ChargeFrequency: 'Usage-Based',
          ChargePeriodEnd: rfc3339(a.endMs),
          ChargePeriodStart: rfc3339(a.startMs),
          CommitmentDiscountCategory: null,
          CommitmentDiscountId: null,
          CommitmentDiscountName: null,
          CommitmentDiscountQuantity: null,
          CommitmentDiscountStatus: null,
          CommitmentDiscountType: null,
          CommitmentDiscountUnit: null,
          ConsumedQuantity: quantity,
          ConsumedUnit: quantity !== null ? spec.unit : null,
          ContractedCost: cost,
          ContractedUnitPrice: unitPrice(cost),
          EffectiveCost: cost,
          InvoiceIssuerName: 'kube-cost-exporter (estimate)',
          ListCost: listCost,
          ListUnitPrice: unitPrice(listCost),
          PricingCategory: savings > 0 ? 'Dynamic' : 'Standard',
          PricingQuantity: quantity,
          PricingUnit: quantity !== null ? spec.unit : null,
          ProviderName: 'Kubernetes',
          PublisherName: 'Kubernetes',
          RegionId: null,
          RegionName: null,
          ResourceId: a.name,
          ResourceName: p.pod && a.pods === 1 ? `${p.namespace ?? ''}/${p.pod}` : a.name,
          ResourceType: resourceType(a),
          ServiceCategory: spec.serviceCategory,
          ServiceName: 'Kubernetes',
          ServiceSubcategory: spec.serviceSubcategory,
          SkuId: `kubernetes-${component}`,
          SkuMeter: spec.label,
          SkuPriceDetails: null,
          SkuPriceId: null,
          SubAccountId: p.namespace ?? null,
          SubAccountName: p.namespace ?? null,
          Tags: JSON.stringify(p.labels ?? {}),
          x_Cluster: p.cluster ?? null,
          x_Namespace: p.namespace ?? null,
          x_Node: p.node ?? null,
          x_Pod: p.pod ?? null,
          x_ControllerKind: p.controllerKind ?? null,
          x_Controller: p.controller ?? null,
          x_CostComponent: component,
          x_CostBasis: a.costBasis,
          x_SpotSavings: savings,
        });
      }
    }
  }
  return out;
}

export function focusCsv(sets: readonly AllocationSetResult[]): string {
  return toCsv(
    FOCUS_COLUMNS,
    focusRows(sets).map((r) => FOCUS_COLUMNS.map((c) => r[c])),
  );
}
