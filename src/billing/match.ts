// Nodes ↔ bill resources, by the instance named in `spec.providerID`. Pure.
//   aws:///us-east-1a/i-0abc123                           → i-0abc123 (CUR lineItem/ResourceId)
//   azure:///subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/virtualMachineScaleSets/V/virtualMachines/3
//                                                         → that ResourceId (case-insensitive); an export
//                                                           that bills the scale set as a whole (ResourceId
//                                                           ends at …/virtualMachineScaleSets/V) is shared
//                                                           by V's nodes
//   azure:///subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/vm1
//   gce://project/zone/name                               → resource.name `name` in project `project`
import type { BillProvider } from './charges.ts';
import { resourceKey } from './bill.ts';

export interface NodeBillKeys {
  readonly provider: BillProvider;
  /** Keys of the node's own instance, most specific first. */
  readonly keys: readonly string[];
  /** A key billed for a group the node belongs to (an Azure scale set), shared by its nodes. */
  readonly sharedKey: string | undefined;
}

/** The bill keys of a node's providerID; undefined when it names no cloud instance. */
export function nodeBillKeys(providerId: string | undefined): NodeBillKeys | undefined {
  if (providerId === undefined || providerId === '') return undefined;
  if (providerId.startsWith('aws://')) {
    const id = providerId.split('/').filter(Boolean).pop() ?? '';
    return id.startsWith('i-') ? { provider: 'aws', keys: [id], sharedKey: undefined } : undefined;
  }
  if (providerId.startsWith('azure://')) {
    const path = providerId.slice('azure://'.length).replace(/^\/*/, '/');
    if (!/\/providers\/microsoft\.compute\//i.test(path)) return undefined;
    const key = resourceKey('azure', path, '');
    const vmss = /^(.*\/virtualmachinescalesets\/[^/]+)\/virtualmachines\/[^/]+$/.exec(key);
    return { provider: 'azure', keys: [key], sharedKey: vmss ? vmss[1] : undefined };
  }
  if (providerId.startsWith('gce://')) {
    const [project, , name] = providerId.slice('gce://'.length).split('/');
    if (project === undefined || name === undefined || name === '') return undefined;
    return { provider: 'gcp', keys: [resourceKey('gcp', name, project), resourceKey('gcp', name, '')], sharedKey: undefined };
  }
  return undefined;
}
