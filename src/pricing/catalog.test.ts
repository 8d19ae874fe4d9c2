import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { SourceFiles } from '../../scripts/catalog/generate.ts';
import { CATALOG_FILE, formatJson, GENERATED_NOTICE, generateCatalog, readSources, splitRamRate } from '../../scripts/catalog/generate.ts';
import type { CatalogData, GcpMachine } from './catalog.ts';
import { createCatalog, loadCatalog } from './catalog.ts';

test('src/pricing/generated/catalog.json is up to date with scripts/catalog/sources (node scripts/catalog/generate.ts)', () => {
  const committed = readFileSync(CATALOG_FILE, 'utf8');
  assert.equal(committed, generateCatalog(readSources()), 'run: node scripts/catalog/generate.ts');
  // The first key says it is generated and must not be edited; it is dated.
  assert.ok(committed.startsWith(`{\n  "_generated": ${JSON.stringify(GENERATED_NOTICE)},\n  "generatedAt": "`));
});

test('shipped catalog: published figures', () => {
  const c = loadCatalog();
  const prices: [string, number | undefined, number][] = [
    // aws/karpenter-provider-aws zz_generated.pricing_aws.go (2026-01-19), us-east-1.
    ['aws m5.large us-east-1', c.instanceHourlyUsd('aws', 'us-east-1', 'm5.large'), 0.096],
    ['aws m5.xlarge us-east-1', c.instanceHourlyUsd('aws', 'us-east-1', 'm5.xlarge'), 0.192],
    ['aws c6i.2xlarge us-east-1', c.instanceHourlyUsd('aws', 'us-east-1', 'c6i.2xlarge'), 0.34],
    ['aws g4dn.xlarge us-east-1', c.instanceHourlyUsd('aws', 'us-east-1', 'g4dn.xlarge'), 0.526],
    ['aws p5.48xlarge us-east-1', c.instanceHourlyUsd('aws', 'us-east-1', 'p5.48xlarge'), 55.04],
    // kubernetes/autoscaler gce_price_info.go, us-central1.
    ['gcp t4 per GPU-hour', c.gcpGpuHourlyUsd('nvidia-tesla-t4', 'us-central1', false), 0.35],
    ['gcp t4 spot per GPU-hour', c.gcpGpuHourlyUsd('nvidia-tesla-t4', 'us-central1', true), 0.11],
  ];
  for (const [name, actual, expected] of prices) assert.equal(actual, expected, name);
  assert.deepEqual(c.instanceSpec('aws', 'm5.large'), { vcpus: 2, memoryGiB: 8, gpus: 0 });
  assert.deepEqual(c.instanceSpec('aws', 'g4dn.12xlarge'), { vcpus: 48, memoryGiB: 192, gpus: 4 });
  // N2 predefined: 0.031611 per vCPU-hour, 0.004237 per GB-hour (= OpenCost's defaults); custom N2 0.033174 / 0.004446.
  assert.deepEqual(c.gcpFamilyRates('n2', 'us-central1', false), [0.031611, 0.004237]);
  assert.deepEqual(c.gcpFamilyRates('n2', 'us-central1', true), [0.033174, 0.004446]);
  assert.deepEqual(c.gcpFamilyRates('e2', 'us-central1', false), [0.021811, 0.002923]);
  // OpenCost: spot CPU 0.006655 / 0.031611 and spot RAM 0.000892 / 0.004237, averaged = 0.2105271483.
  assert.equal(c.data.fallback.spotFraction, 0.2105271483);
  assert.deepEqual(c.data.fallback.rates, { cpuCoreHourUsd: 0.031611, ramGiBHourUsd: 0.004237, gpuHourUsd: 0.95 });
  assert.equal(c.data.fallback.storageGibMonthUsd, 0.04);
  for (const source of Object.values(c.data.sources)) assert.ok(source.read && (source.url || (source.repo && source.path && source.commit)), source.title);
});

test('shipped catalog: transcribed regional prices match their source lines', () => {
  const c = loadCatalog();
  const prices: [string, number | undefined, number][] = [
    // skypilot-org/skypilot-catalog catalogs/v7/aws/vms.csv @001367d2:
    // "m6g.large,,,2.0,8.0,,0.086,0.039700,eu-west-1,euw1-az1"
    ['aws m6g.large eu-west-1', c.instanceHourlyUsd('aws', 'eu-west-1', 'm6g.large'), 0.086],
    // "m6g.4xlarge,,,16.0,64.0,,0.752,0.204700,ap-northeast-2,apne2-az1"
    ['aws m6g.4xlarge ap-northeast-2', c.instanceHourlyUsd('aws', 'ap-northeast-2', 'm6g.4xlarge'), 0.752],
    // "m6g.medium,,,1.0,4.0,,0.0385,0.013500,us-west-2,usw2-az1"
    ['aws m6g.medium us-west-2', c.instanceHourlyUsd('aws', 'us-west-2', 'm6g.medium'), 0.0385],
    // "m5.large,,,2.0,8.0,,0.115,0.037500,eu-central-1,euc1-az1"
    ['aws m5.large eu-central-1', c.instanceHourlyUsd('aws', 'eu-central-1', 'm5.large'), 0.115],
    // "m5a.xlarge,,,4.0,16.0,,0.212,0.062900,ap-northeast-2,apne2-az1"
    ['aws m5a.xlarge ap-northeast-2', c.instanceHourlyUsd('aws', 'ap-northeast-2', 'm5a.xlarge'), 0.212],
    // "inf1.xlarge,Inferentia,1.0,4.0,8.0,,0.308,0.050600,ap-southeast-1,apse1-az1"
    ['aws inf1.xlarge ap-southeast-1', c.instanceHourlyUsd('aws', 'ap-southeast-1', 'inf1.xlarge'), 0.308],
    // "inf2.48xlarge,Inferentia2,12.0,192.0,768.0,,19.4719,2.768300,eu-central-1,euc1-az2"
    ['aws inf2.48xlarge eu-central-1', c.instanceHourlyUsd('aws', 'eu-central-1', 'inf2.48xlarge'), 19.4719],
    // Azure/karpenter-provider-azure pkg/providers/pricing/zz_generated.pricing.go @0499866a, block
    // initialOnDemandPrices["germanywestcentral"]: "Standard_D2s_v5":          0.115000,
    ['azure Standard_D2s_v5 germanywestcentral', c.instanceHourlyUsd('azure', 'germanywestcentral', 'Standard_D2s_v5'), 0.115],
    // ["southeastasia"]: "Standard_NC4as_T4_v3":     0.736000,
    ['azure Standard_NC4as_T4_v3 southeastasia', c.instanceHourlyUsd('azure', 'southeastasia', 'Standard_NC4as_T4_v3'), 0.736],
    // ["westus2"]: "Standard_B2s":              0.041600,
    ['azure Standard_B2s westus2', c.instanceHourlyUsd('azure', 'westus2', 'Standard_B2s'), 0.0416],
    // ["koreacentral"]: "Standard_D2s_v3":          0.123000, (v3 differs from v4/v5 there: "Standard_D2s_v5": 0.118000)
    ['azure Standard_D2s_v3 koreacentral', c.instanceHourlyUsd('azure', 'koreacentral', 'Standard_D2s_v3'), 0.123],
    ['azure Standard_D2s_v5 koreacentral', c.instanceHourlyUsd('azure', 'koreacentral', 'Standard_D2s_v5'), 0.118],
    // ["westeurope"]: "Standard_F16s_v2":          0.776000,
    ['azure Standard_F16s_v2 westeurope', c.instanceHourlyUsd('azure', 'westeurope', 'Standard_F16s_v2'), 0.776],
    // ["eastus"]: "Standard_E8s_v5":           0.504000,
    ['azure Standard_E8s_v5 eastus', c.instanceHourlyUsd('azure', 'eastus', 'Standard_E8s_v5'), 0.504],
  ];
  for (const [name, actual, expected] of prices) assert.equal(actual, expected, name);
  // Second pass (read 2026-11-30), the same SkyPilot file and commit; one line quoted per family and region:
  const secondPass: [string, number | undefined, number][] = [
    // "m6i.large,,,2.0,8.0,,0.107,0.053600,eu-west-1,euw1-az1"
    ['aws m6i.large eu-west-1', c.instanceHourlyUsd('aws', 'eu-west-1', 'm6i.large'), 0.107],
    // "m6i.xlarge,,,4.0,16.0,,0.236,0.067500,ap-northeast-2,apne2-az1"
    ['aws m6i.xlarge ap-northeast-2', c.instanceHourlyUsd('aws', 'ap-northeast-2', 'm6i.xlarge'), 0.236],
    // "c6i.2xlarge,,,8.0,16.0,,0.3648,0.170900,eu-west-1,euw1-az1" (c6i in eu-west-1 is cheaper than c5 there: 0.384)
    ['aws c6i.2xlarge eu-west-1', c.instanceHourlyUsd('aws', 'eu-west-1', 'c6i.2xlarge'), 0.3648],
    ['aws c5.2xlarge eu-west-1', c.instanceHourlyUsd('aws', 'eu-west-1', 'c5.2xlarge'), 0.384],
    // "c5.xlarge,,,4.0,8.0,,0.196,0.097200,ap-southeast-1,apse1-az1"
    ['aws c5.xlarge ap-southeast-1', c.instanceHourlyUsd('aws', 'ap-southeast-1', 'c5.xlarge'), 0.196],
    // "r6i.large,,,2.0,16.0,,0.152,0.052100,eu-central-1,euc1-az1"
    ['aws r6i.large eu-central-1', c.instanceHourlyUsd('aws', 'eu-central-1', 'r6i.large'), 0.152],
    // "m7i.xlarge,,,4.0,16.0,,0.2016,0.085000,us-west-2,usw2-az1"
    ['aws m7i.xlarge us-west-2', c.instanceHourlyUsd('aws', 'us-west-2', 'm7i.xlarge'), 0.2016],
    // "m7i-flex.large,,,2.0,8.0,,0.1197,0.072000,ap-southeast-1,apse1-az1"
    ['aws m7i-flex.large ap-southeast-1', c.instanceHourlyUsd('aws', 'ap-southeast-1', 'm7i-flex.large'), 0.1197],
    // "t3.medium,,,2.0,4.0,,0.052,0.017700,ap-northeast-2,apne2-az1"
    ['aws t3.medium ap-northeast-2', c.instanceHourlyUsd('aws', 'ap-northeast-2', 't3.medium'), 0.052],
    // "t3a.large,,,2.0,8.0,,0.0864,0.040100,eu-central-1,euc1-az1"
    ['aws t3a.large eu-central-1', c.instanceHourlyUsd('aws', 'eu-central-1', 't3a.large'), 0.0864],
    // "t4g.medium,,,2.0,4.0,,0.0368,0.016500,eu-west-1,euw1-az1"
    ['aws t4g.medium eu-west-1', c.instanceHourlyUsd('aws', 'eu-west-1', 't4g.medium'), 0.0368],
    // "r7i.large,,,2.0,16.0,,0.14805,0.067000,eu-west-1,euw1-az1"
    ['aws r7i.large eu-west-1', c.instanceHourlyUsd('aws', 'eu-west-1', 'r7i.large'), 0.14805],
  ];
  for (const [name, actual, expected] of secondPass) assert.equal(actual, expected, name);
  // Rows outside the read windows are absent, not guessed: m7gd has no ap-northeast-2 row in the snapshot.
  assert.equal(c.instanceHourlyUsd('aws', 'ap-northeast-2', 'm7gd.large'), undefined);
  // m8g in Asia and t4g.xlarge were missing after the second pass; the fourth pass read them from SkyPilot's
  // v8 catalogs/v8/aws/vms.csv @00148f2a:
  // "m8g.12xlarge,,,48.0,192.0,,2.6928,1.016100,ap-southeast-1,apse1-az1,arm64"
  assert.equal(c.instanceHourlyUsd('aws', 'ap-southeast-1', 'm8g.12xlarge'), 2.6928);
  // "t4g.xlarge,,,4.0,16.0,,0.1472,0.069300,eu-west-1,euw1-az1,arm64"
  assert.equal(c.instanceHourlyUsd('aws', 'eu-west-1', 't4g.xlarge'), 0.1472);
  // GCE N1 (Cyclenerd pricing.yml @0166a59e, europe-west3): n1-highcpu-2 (2 vCPU, 1.8 GB) "hour: 0.0912844",
  //   n1-highmem-2 (2 vCPU, 13 GB) "hour: 0.152414": 11.2m = 0.0611296 → m = 0.005458; c = (0.0912844 − 1.8 × 0.005458) / 2
  //   = 0.0814600 / 2 = 0.04073. (n1-highcpu-32 1.4605504 and n1-highmem-32 2.438624 fit the same rates.)
  assert.deepEqual(c.gcpFamilyRates('n1', 'europe-west3', false), [0.04073, 0.005458]);
  // N2D europe-west1: n2d-highmem-2 (2, 16) "hour: 0.125386", n2d-highmem-16 (16, 128) "hour: 1.003088" and
  //   n2d-highcpu-96 (96, 96) "hour: 3.293568": c = 0.030253, m = 0.004055 (2c + 16m = 0.060506 + 0.06488 = 0.125386).
  assert.deepEqual(c.gcpFamilyRates('n2d', 'europe-west1', false), [0.030253, 0.004055]);
  // us-west1 N1 and N2D solve to exactly the us-central1 list rates of the cluster-autoscaler.
  assert.deepEqual(c.gcpFamilyRates('n1', 'us-west1', false), [0.031611, 0.004237]);
  assert.deepEqual(c.gcpFamilyRates('n2d', 'us-west1', false), [0.027502, 0.003686]);
  // Persistent disks, compute.storage.<hdd|balanced|ssd>.cost.<region>.month: asia-northeast3 "month: 0.052",
  //   "month: 0.13", "month: 0.221"; europe-west3 0.048, 0.12, 0.204.
  assert.deepEqual(c.data.gcp.storage.gibMonthUsd['asia-northeast3'], { 'pd-balanced': 0.13, 'pd-ssd': 0.221, 'pd-standard': 0.052 });
  assert.deepEqual(c.data.gcp.storage.gibMonthUsd['europe-west3'], { 'pd-balanced': 0.12, 'pd-ssd': 0.204, 'pd-standard': 0.048 });
  // Not in the source for that region ("-" in azure-vm-ondemand.tsv): absent, not guessed.
  assert.equal(c.instanceHourlyUsd('azure', 'germanywestcentral', 'Standard_NC6s_v3'), undefined);
  // Cyclenerd/google-cloud-pricing-cost-calculator pricing.yml @0166a59e, europe-west3:
  //   e2-standard-4 (4 vCPU, 16 GB) "hour: 0.17267112", e2-highmem-8 (8 vCPU, 64 GB) "hour: 0.46585488".
  //   8c + 64m − 2 × (4c + 16m) = 32m = 0.46585488 − 0.34534224 = 0.12051264 → m = 0.00376602;
  //   c = (0.17267112 − 16 × 0.00376602) / 4 = 0.1124148 / 4 = 0.0281037.
  assert.deepEqual(c.gcpFamilyRates('e2', 'europe-west3', false), [0.0281037, 0.00376602]);
  // europe-west1: n2-standard-2 "hour: 0.106834" (2 vCPU, 8 GB), n2-highmem-2 "hour: 0.144122" (2 vCPU, 16 GB):
  //   8m = 0.037288 → m = 0.004661; c = (0.106834 − 0.037288) / 2 = 0.034773.
  assert.deepEqual(c.gcpFamilyRates('n2', 'europe-west1', false), [0.034773, 0.004661]);
  // us-west1 N2 comes out at the us-central1 list rates, as it should (same price tier).
  assert.deepEqual(c.gcpFamilyRates('n2', 'us-west1', false), [0.031611, 0.004237]);
  // AWS spot: us-east-1 sample (m6g medium/large/xlarge/4xlarge and m5.large × 5 zones = 25 ratios); 12 are
  // below 0.0270 / 0.077 and the 13th and 14th are both 0.0270 / 0.077 (use1-az4 and use1-az5 m6g.large),
  // so the median is 0.3506493506.
  assert.equal(c.data.aws.spotFractionByRegion['us-east-1'], 0.3506493506);
  assert.equal(c.data.aws.spotSource, 'skypilot-aws-vms');
  // Azure spot (skypilot-org/skypilot-catalog catalogs/v6/azure/vms.csv @098741e7), e.g.
  // "Standard_D32s_v5,,,32.0,128,,1.536,0.16896,eastus,..." → 0.16896 / 1.536 = 0.11 and
  // "Standard_D32s_v5,,,32.0,128,,1.536,0.19968,westus2,..." → 0.19968 / 1.536 = 0.13; D48ds_v5 gives the same
  // ratios (0.29832 / 2.712 = 0.11, 0.35256 / 2.712 = 0.13). Over all 14 rows (7 at 0.11, 7 at 0.13) the median
  // is (0.11 + 0.13) / 2 = 0.12.
  assert.equal(c.data.azure.spotSource, 'skypilot-azure-vms');
  assert.deepEqual(c.data.azure.spotFractionByRegion, { eastus: 0.11, westus2: 0.13 });
  assert.equal(c.data.azure.spotFraction, 0.12);
  // Azure default rates now exist: the OpenCost split of the D32 v3/v4/v5 sizes (32 vCPUs, 128 GiB; eastus 1.536):
  // ramRate = 1.536 / (32 × 7.460703328 + 128) = 1.536 / 366.7425065 = 0.004188224634 (= m5.large's split, ×16).
  assert.equal(c.data.azure.defaultRates['eastus']?.ramGiBHourUsd, 0.004188224634);
  // Karpenter's pay-as-you-go prices and SkyPilot's agree on the sampled rows (the generator checks it); they
  // disagree on Standard_B2as_v2 in eastus (Karpenter 0.0844, SkyPilot 0.0752), which is why it is not sampled.
  assert.equal(c.instanceHourlyUsd('azure', 'eastus', 'Standard_B2as_v2'), 0.0844);
  // Flat fees (flat-prices.json): Azure Standard LB 0.025 (one 'Global' Retail Prices meter for the commercial
  // regions, so listed for all six), AWS NLB 0.0225, GCP forwarding rule 0.025 per hour.
  assert.deepEqual(c.data.azure.loadBalancerHourlyUsd, { eastus: 0.025, germanywestcentral: 0.025, koreacentral: 0.025, southeastasia: 0.025, westeurope: 0.025, westus2: 0.025 });
  // Azure Standard SSD E10 (128 GiB) is 9.6 per month in all six regions: 9.6 / 128 = 0.075 per GiB-month;
  // Premium SSD only in eastus (P10 19.71 / 128 = 0.153984375); Standard HDD only in eastus (S4 1.54 / 32 =
  // 0.048125, infracost's managed-disk golden file: "Storage (S4, LRS) ... $1.54").
  assert.deepEqual(c.data.azure.storage.gibMonthUsd['westeurope'], { StandardSSD_LRS: 0.075 });
  assert.deepEqual(c.data.azure.storage.gibMonthUsd['eastus'], { Premium_LRS: 0.153984375, StandardSSD_LRS: 0.075, Standard_LRS: 0.048125 });
  assert.deepEqual(c.data.aws.loadBalancerHourlyUsd, { 'us-east-1': 0.0225 });
  assert.deepEqual(c.data.gcp.loadBalancerHourlyUsd, { 'us-central1': 0.025 });
  // GCE C2 and T2D outside us-central1: whole-machine prices (skypilot-org/skypilot-catalog catalogs/v8/gcp/vms.csv
  // @006059e0), e.g. "c2-standard-8,8.0,32.0,,,,europe-west1,europe-west1-b,0.4594,0.17059" and
  // "t2d-standard-4,4.0,16.0,,,,asia-southeast1,asia-southeast1-a,0.20847,0.03862"; Cyclenerd's pricing.yml has
  // c2-standard-8 europe-west1 "hour: 0.4594" and t2d-standard-4 asia-southeast1 "hour: 0.208468" (checked by the generator).
  assert.equal(c.gcpMachineHourlyUsd('c2-standard-8', 'europe-west1'), 0.4594);
  assert.equal(c.gcpMachineHourlyUsd('t2d-standard-4', 'asia-southeast1'), 0.20847);
  assert.equal(c.gcpMachineHourlyUsd('c2-standard-60', 'asia-northeast3'), 4.01784);
  // No per-vCPU/GB split is made up for them, and us-central1 keeps the autoscaler's rates, not a machine price.
  assert.equal(c.gcpFamilyRates('c2', 'europe-west1', false), undefined);
  assert.equal(c.gcpMachineHourlyUsd('c2-standard-8', 'us-central1'), undefined);
  assert.deepEqual(c.gcpFamilyRates('c2', 'us-central1', false), [0.03398, 0.00455]);
  // SkyPilot lists no T2D in asia-northeast3: absent, not guessed.
  assert.equal(c.gcpMachineHourlyUsd('t2d-standard-4', 'asia-northeast3'), undefined);
  // 13 types (5 C2, 8 T2D) in us-west1, europe-west1, europe-west3 and asia-southeast1; the 5 C2 in asia-northeast3.
  assert.deepEqual(
    Object.fromEntries(Object.entries(c.data.gcp.machineHourlyUsd).map(([region, byType]) => [region, Object.keys(byType).length])),
    { 'asia-northeast3': 5, 'asia-southeast1': 13, 'europe-west1': 13, 'europe-west3': 13, 'us-west1': 13 },
  );
  // Spot: median SpotPrice ÷ Price per family and region. T2D us-west1, eight sizes: 0.00802/0.04225 = 0.1898224852,
  // 0.01605/0.08449 = 0.1899633093, 0.0321/0.16898 = 0.1899633093, 0.06419/0.33797 = 0.1899281001,
  // 0.12838/0.67594 = 0.1899281001, 0.25677/1.35187 = 0.1899369022, 0.38515/2.02781 = 0.1899339682,
  // 0.48144/2.53476 = 0.1899351418; median (0.1899339682 + 0.1899351418) / 2 = 0.189934555.
  assert.equal(c.gcpSpotFraction('t2d', 'us-west1'), 0.189934555);
  // The default rates are not derived from machine prices (no split is assumed): europe-west1 is still the
  // median over E2, N1, N2 and N2D.
  assert.deepEqual(c.data.gcp.defaultRates['europe-west1'], { cpuCoreHourUsd: 0.032513, ramGiBHourUsd: 0.004358, gpuHourUsd: 0.9771300448 });
  // Every region the docs promise is in the catalog.
  for (const r of ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-2', 'ap-southeast-1']) assert.ok(c.hasRegion('aws', r), r);
  for (const r of ['eastus', 'westus2', 'westeurope', 'germanywestcentral', 'koreacentral', 'southeastasia']) assert.ok(c.hasRegion('azure', r), r);
  for (const r of ['us-central1', 'us-west1', 'europe-west1', 'europe-west3', 'asia-northeast3', 'asia-southeast1']) assert.ok(c.hasRegion('gcp', r), r);
});

test('gcpMachine: predefined, shared-core and custom machine types', () => {
  const c = loadCatalog();
  const table: [string, Omit<GcpMachine, 'machineType'> | undefined][] = [
    ['n2-standard-4', { family: 'n2', vcpus: 4, memoryGiB: 16, custom: false, sharedCore: false }],
    ['n1-highmem-8', { family: 'n1', vcpus: 8, memoryGiB: 52, custom: false, sharedCore: false }],
    ['e2-micro', { family: 'e2', vcpus: 0.25, memoryGiB: 1, custom: false, sharedCore: true }],
    ['e2-small', { family: 'e2', vcpus: 0.5, memoryGiB: 2, custom: false, sharedCore: true }],
    ['e2-medium', { family: 'e2', vcpus: 1, memoryGiB: 4, custom: false, sharedCore: true }],
    ['c3-highcpu-22', { family: 'c3', vcpus: 22, memoryGiB: 44, custom: false, sharedCore: false }],
    // <family>-custom-<vcpus>-<memory MiB>; without a family prefix it is N1.
    ['n2-custom-4-16384', { family: 'n2', vcpus: 4, memoryGiB: 16, custom: true, sharedCore: false }],
    ['custom-2-7680', { family: 'n1', vcpus: 2, memoryGiB: 7.5, custom: true, sharedCore: false }],
    ['n2d-custom-8-65536-ext', { family: 'n2d', vcpus: 8, memoryGiB: 64, custom: true, sharedCore: false }],
    ['n2-custom-0-1024', undefined],
    ['n9-standard-4', undefined],
  ];
  for (const [type, expected] of table) assert.deepEqual(c.gcpMachine(type), expected && { machineType: type, ...expected }, type);
});

test('createCatalog refuses data that is not a generated catalog', () => {
  assert.throws(() => createCatalog({} as CatalogData), { message: 'price catalog: "aws" section is missing or malformed' });
  const data = JSON.parse(readFileSync(CATALOG_FILE, 'utf8')) as CatalogData;
  assert.throws(() => createCatalog({ ...data, _generated: undefined } as unknown as CatalogData), { message: 'price catalog: not a generated catalog (expected "_generated" and "fallback.rates")' });
  // A catalog generated before GCE machine prices existed: refused with a hint, not priced as if C2 had no price.
  const { machineHourlyUsd: _, ...oldGcp } = data.gcp;
  assert.throws(() => createCatalog({ ...data, gcp: oldGcp } as unknown as CatalogData), { message: 'price catalog: "gcp.machineHourlyUsd" is missing; regenerate it with node scripts/catalog/generate.ts' });
});

test("splitRamRate: OpenCost's split of an instance price", () => {
  // cpuToRam = 0.031611 / 0.004237 = 7.460703328; m5.large (2 vCPU, 8 GiB, 0.096):
  // ramRate = 0.096 / (2 × 7.460703328 + 8) = 0.096 / 22.92140666 = 0.004188224634.
  const table: [number, number, number, number, number][] = [
    [0.096, 2, 8, 0, 0.004188224634],
    [0.1, 2, 8, 0, 0.004362733994],
    // GPU weighs gpuToRam = 0.95 / 0.004237 = 224.2152466: 0.526 / (224.2152466 + 4 × 7.460703328 + 16) = 0.526 / 270.0580599 = 0.001947730.
    [0.526, 4, 16, 1, 0.00194773],
  ];
  for (const [price, vcpus, gib, gpus, expected] of table) assert.ok(Math.abs(splitRamRate(price, vcpus, gib, gpus) - expected) < 1e-9, `${price}`);
});

/** The real sources with the instance prices, shapes and GCE machine prices replaced by small fixtures. */
function fixtureSources(over: SourceFiles): SourceFiles {
  const replacesAws = Object.keys(over).some((name) => name.startsWith('aws-ec2-ondemand-'));
  const real = Object.fromEntries(Object.entries(readSources()).filter(([name]) => !(replacesAws && name.startsWith('aws-ec2-ondemand-'))));
  // The real spot sample and cross-check refer to real on-demand prices; with fixture prices, a fixture
  // sample (m5.large 0.096 at 30%) and an empty cross-check.
  const spot = replacesAws ? { [SPOT_FILE]: `${SPOT_HEADER}m5.large\tus-east-1\t0.096\t0.0288\n`, [CROSS_FILE]: CROSS_HEADER } : {};
  return { ...real, ...spot, ...over };
}

const MACHINE_FILE = 'gcp-machine-instance-prices.tsv';
const MACHINE_HEADER = 'machineType\tregion\thourUsd\tspotHourUsd\n';
const MACHINE_CHECK = 'gcp-machine-instance-crosscheck.tsv';
const MACHINE_CHECK_HEADER = 'machineType\tregion\tcyclenerdHourUsd\n';
const SPOT_FILE = 'aws-ec2-spot-sample.tsv';
const CROSS_FILE = 'aws-ec2-crosscheck-us-east-1.tsv';
const CROSS_HEADER = 'instanceType\tskypilotUsEast1HourUsd\tsource\n';
const SPOT_HEADER = 'instanceType\tregion\tonDemandHourUsd\tspotHourUsdPerZone\n';

test('generateCatalog: default rates are the median OpenCost split of general-purpose types', () => {
  const files = fixtureSources({
    'aws-ec2-ondemand-us-east-1.txt': '# fixture\nm5\tlarge=0.096 xlarge=0.192 metal=9\nm6i\tlarge=0.1\nc5\tlarge=0.085\n',
    'aws-ec2-specs.txt': '# fixture\nm5\tlarge=2/8192/0 xlarge=4/16384/0 metal=96/393216/0\nm6i\tlarge=2/8192/0\nc5\tlarge=2/4096/0\n',
  });
  const data = JSON.parse(generateCatalog(files)) as CatalogData;
  // General purpose: m5.large, m5.xlarge (same split 0.004188224634), m6i.large (0.004362733994);
  // metal and c5 are left out. Median = 0.004188224634; cpu = × 7.460703328 = 0.03124710146;
  // gpu = × 224.2152466 = 0.9390638193.
  assert.deepEqual(data.aws.defaultRates['us-east-1'], { cpuCoreHourUsd: 0.03124710146, ramGiBHourUsd: 0.004188224634, gpuHourUsd: 0.9390638193 });
  assert.deepEqual(data.aws.onDemandHourlyUsd['us-east-1'], { 'c5.large': 0.085, 'm5.large': 0.096, 'm5.metal': 9, 'm5.xlarge': 0.192, 'm6i.large': 0.1 });
});

test('generateCatalog: GCE family rates are solved from two machine shapes', () => {
  const files = fixtureSources({
    'gcp-machine-prices.tsv': 'machineType\tregion\thourUsd\tspotHourUsd\nn2-standard-2\teurope-west1\t0.1069\t0.02138\nn2-highmem-2\teurope-west1\t0.1441\t0.02882\n',
  });
  const data = JSON.parse(generateCatalog(files)) as CatalogData;
  // 2c + 8m = 0.1069 and 2c + 16m = 0.1441 → m = 0.0372 / 8 = 0.00465, c = (0.1069 − 0.0372) / 2 = 0.03485.
  assert.deepEqual(data.gcp.familyRates['n2']?.['europe-west1'], [0.03485, 0.00465]);
  // Spot prices are 20% of on-demand for both shapes.
  assert.equal(data.gcp.spotFraction['n2']?.['europe-west1'], 0.2);
  assert.ok(data.gcp.regions.includes('europe-west1'));
});

test('generateCatalog: C2/T2D machine prices are kept whole, with a spot ratio per family and region', () => {
  const files = fixtureSources({
    // c2-standard-8 and -16 in europe-west1 (SkyPilot v8 figures), Cyclenerd's 0.4594 for the first.
    [MACHINE_FILE]: `${MACHINE_HEADER}c2-standard-8\teurope-west1\t0.4594\t0.17059\nc2-standard-16\teurope-west1\t0.9188\t0.34118\nt2d-standard-4\tus-west1\t0.16898\t-\n`,
    [MACHINE_CHECK]: `${MACHINE_CHECK_HEADER}c2-standard-8\teurope-west1\t0.4594\n`,
  });
  const data = JSON.parse(generateCatalog(files)) as CatalogData;
  assert.deepEqual(data.gcp.machineHourlyUsd, { 'europe-west1': { 'c2-standard-16': 0.9188, 'c2-standard-8': 0.4594 }, 'us-west1': { 't2d-standard-4': 0.16898 } });
  // 0.17059 / 0.4594 = 0.3713321724 and 0.34118 / 0.9188 = 0.3713321724: median 0.3713321724. No T2D spot price: no ratio.
  assert.equal(data.gcp.spotFraction['c2']?.['europe-west1'], 0.3713321724);
  assert.equal(data.gcp.spotFraction['t2d']?.['us-west1'], undefined);
  assert.equal(data.gcp.familyRates['c2']?.['europe-west1'], undefined);
});

test('generateCatalog: AWS spot fractions are medians of the sampled spot ÷ on-demand ratios', () => {
  const files = fixtureSources({
    'aws-ec2-ondemand-us-east-1.txt': 'm5\tlarge=0.096 xlarge=0.192\n',
    'aws-ec2-ondemand-eu-west-1.txt': 'm5\tlarge=0.107\n',
    // us-east-1: m5.large 0.0288/0.096 = 0.3, 0.0384/0.096 = 0.4, 0.048/0.096 = 0.5; m5.xlarge 0.0576/0.192 = 0.3.
    // eu-west-1: 0.0535/0.107 = 0.5.
    [SPOT_FILE]: `${SPOT_HEADER}m5.large\tus-east-1\t0.096\t0.0288 0.0384 0.048\nm5.xlarge\tus-east-1\t0.192\t0.0576\nm5.large\teu-west-1\t0.107\t0.0535\n`,
  });
  const data = JSON.parse(generateCatalog(files)) as CatalogData;
  // us-east-1: median of [0.3, 0.3, 0.4, 0.5] = (0.3 + 0.4) / 2 = 0.35; eu-west-1: 0.5.
  assert.deepEqual(data.aws.spotFractionByRegion, { 'eu-west-1': 0.5, 'us-east-1': 0.35 });
  // All regions: median of [0.3, 0.3, 0.4, 0.5, 0.5] = 0.4.
  assert.equal(data.aws.spotFraction, 0.4);
  assert.equal(data.aws.spotSource, 'skypilot-aws-vms');
  // Azure is sampled the same way from its own file (see the shipped-catalog test for the figures).
  assert.equal(data.azure.spotSource, 'skypilot-azure-vms');
  assert.deepEqual(data.azure.spotFractionByRegion, { eastus: 0.11, westus2: 0.13 });
});

test('generateCatalog: malformed sources fail with file and line', () => {
  const table: [SourceFiles, string][] = [
    [fixtureSources({ 'aws-ec2-ondemand-us-east-1.txt': 'm5\tlarge=abc\n' }), 'aws-ec2-ondemand-us-east-1.txt:1: not a non-negative number: "abc"'],
    [fixtureSources({ 'aws-ec2-ondemand-us-east-1.txt': 'm5 large=1\n' }), 'aws-ec2-ondemand-us-east-1.txt:1: expected <family><TAB><size>=<value> ...'],
    [fixtureSources({ 'aws-ec2-ondemand-us-east-1.txt': 'm5\tlarge=1 large=2\n' }), 'aws-ec2-ondemand-us-east-1.txt:1: duplicate entry m5.large'],
    [fixtureSources({ 'gcp-machine-prices.tsv': 'machineType\tregion\thourUsd\tspotHourUsd\nn9-standard-2\teurope-west1\t1\t1\n' }), 'gcp-machine-prices.tsv:2: machine type "n9-standard-2" has no shape in gcp-machine-shapes.txt'],
    [fixtureSources({ 'gcp-machine-prices.tsv': 'machineType\tregion\thourUsd\tspotHourUsd\nn2-standard-2\teurope-west1\t1\t1\n' }), 'gcp-machine-prices.tsv: cannot solve n2 rates in europe-west1 (need two shapes with different memory per vCPU)'],
    // The spot sample's on-demand column must match the transcribed on-demand price (a transcription check).
    [fixtureSources({ 'aws-ec2-ondemand-us-east-1.txt': 'm5\tlarge=0.096\n', [SPOT_FILE]: `${SPOT_HEADER}m5.large\tus-east-1\t0.097\t0.03\n` }), 'aws-ec2-spot-sample.tsv:2: m5.large in us-east-1: on-demand 0.097 here but 0.096 in aws-ec2-ondemand-us-east-1.txt'],
    [fixtureSources({ 'aws-ec2-ondemand-us-east-1.txt': 'm5\tlarge=0.096\n', [SPOT_FILE]: `${SPOT_HEADER}m5.large\teu-west-1\t0.107\t0.03\n` }), 'aws-ec2-spot-sample.tsv:2: m5.large in eu-west-1 has no on-demand price in aws-ec2-ondemand-eu-west-1.txt'],
    [fixtureSources({ 'aws-ec2-ondemand-us-east-1.txt': 'm5\tlarge=0.096\n', [SPOT_FILE]: `${SPOT_HEADER}m5.large\tus-east-1\t0.096\tcheap\n` }), 'aws-ec2-spot-sample.tsv:2: not a non-negative number: "cheap"'],
    // Second-source checks: SkyPilot's us-east-1 price must equal Karpenter's; GCE us-central1 machine and
    // disk prices must equal the cluster-autoscaler's figures.
    [fixtureSources({ 'azure-vm-spot-sample.tsv': `${SPOT_HEADER}Standard_D32s_v5\teastus\t1.5\t0.16896\n` }), 'azure-vm-spot-sample.tsv:2: Standard_D32s_v5 in eastus: on-demand 1.5 here but 1.536 in azure-vm-ondemand.tsv'],
    [fixtureSources({ 'aws-ec2-ondemand-us-east-1.txt': 'm5\tlarge=0.096\n', [CROSS_FILE]: `${CROSS_HEADER}m5.large\t0.097\n` }), 'aws-ec2-crosscheck-us-east-1.tsv:2: m5.large: 0.097 here but 0.096 in aws-ec2-ondemand-us-east-1.txt'],
    [fixtureSources({ 'aws-ec2-ondemand-us-east-1.txt': 'm5\tlarge=0.096\n', [CROSS_FILE]: `${CROSS_HEADER}m6i.large\t0.096\n` }), 'aws-ec2-crosscheck-us-east-1.tsv:2: m6i.large: 0.096 here but no price in aws-ec2-ondemand-us-east-1.txt'],
    // A cross-check row names the source it was read from; an unknown source id is refused.
    [fixtureSources({ 'aws-ec2-ondemand-us-east-1.txt': 'm5\tlarge=0.096\n', [CROSS_FILE]: `${CROSS_HEADER}m5.large\t0.096\tskypilot-aws-vms-v99\n` }), 'aws-ec2-crosscheck-us-east-1.tsv:2: m5.large: source "skypilot-aws-vms-v99" is not in manifest.json'],
    // GPU prices: the us-central1 row must equal the autoscaler's price.
    [fixtureSources({ 'gcp-gpu-prices.tsv': 'accelerator\tregion\thourUsd\nnvidia-tesla-t4\tus-central1\t0.36\n' }), 'gcp-gpu-prices.tsv:2: nvidia-tesla-t4 in us-central1: 0.36 here but 0.35 in gcp-autoscaler-us-central1.json'],
    [fixtureSources({ 'gcp-gpu-prices.tsv': 'accelerator\tregion\thourUsd\nnvidia-tesla-t4\teurope-west1\t0\n' }), 'gcp-gpu-prices.tsv:2: nvidia-tesla-t4 in europe-west1: a GPU price must be positive'],
    // n1-standard-2 at the autoscaler's N1 rates: 2 × 0.031611 + 7.5 × 0.004237 = 0.0949995, not 0.095.
    [fixtureSources({ 'gcp-machine-prices.tsv': 'machineType\tregion\thourUsd\tspotHourUsd\nn1-standard-2\tus-central1\t0.095\t0.02\n' }), 'gcp-machine-prices.tsv:2: n1-standard-2 in us-central1: 0.095 here but 0.0949995 from the gcp-autoscaler-us-central1.json n1 rates'],
    // GCE machine prices: only outside us-central1, only for families without rates in the region, checked against Cyclenerd.
    [fixtureSources({ [MACHINE_FILE]: `${MACHINE_HEADER}c2-standard-8\tus-central1\t0.41762\t0.13594\n`, [MACHINE_CHECK]: MACHINE_CHECK_HEADER }), 'gcp-machine-instance-prices.tsv:2: c2-standard-8 in us-central1: us-central1 is priced from the per-vCPU/GB rates in gcp-autoscaler-us-central1.json'],
    [fixtureSources({ [MACHINE_FILE]: `${MACHINE_HEADER}n2-standard-2\teurope-west1\t0.106834\t0.011028\n`, [MACHINE_CHECK]: MACHINE_CHECK_HEADER }), 'gcp-machine-instance-prices.tsv:2: n2-standard-2 in europe-west1: n2 has per-vCPU/GB rates in europe-west1; a machine price there would never be used'],
    [fixtureSources({ [MACHINE_FILE]: `${MACHINE_HEADER}c9-standard-8\teurope-west1\t1\t1\n`, [MACHINE_CHECK]: MACHINE_CHECK_HEADER }), 'gcp-machine-instance-prices.tsv:2: machine type "c9-standard-8" has no shape in gcp-machine-shapes.txt'],
    [fixtureSources({ [MACHINE_FILE]: `${MACHINE_HEADER}c2-standard-8\teurope-west1\t0\t0\n`, [MACHINE_CHECK]: MACHINE_CHECK_HEADER }), 'gcp-machine-instance-prices.tsv:2: c2-standard-8 in europe-west1: a machine price must be positive'],
    [fixtureSources({ [MACHINE_FILE]: `${MACHINE_HEADER}c2-standard-8\teurope-west1\t0.4594\t0.17059\nc2-standard-8\teurope-west1\t0.4594\t0.17059\n`, [MACHINE_CHECK]: MACHINE_CHECK_HEADER }), 'gcp-machine-instance-prices.tsv:3: duplicate entry c2-standard-8 in europe-west1'],
    // Cyclenerd's 0.459412 would round to 0.45941, not SkyPilot's 0.4594: refused; a check row must have a price to check.
    [fixtureSources({ [MACHINE_FILE]: `${MACHINE_HEADER}c2-standard-8\teurope-west1\t0.4594\t0.17059\n`, [MACHINE_CHECK]: `${MACHINE_CHECK_HEADER}c2-standard-8\teurope-west1\t0.459412\n` }), 'gcp-machine-instance-crosscheck.tsv:2: c2-standard-8 in europe-west1: 0.459412 here but 0.4594 in gcp-machine-instance-prices.tsv'],
    [fixtureSources({ [MACHINE_FILE]: `${MACHINE_HEADER}c2-standard-8\teurope-west1\t0.4594\t0.17059\n`, [MACHINE_CHECK]: `${MACHINE_CHECK_HEADER}t2d-standard-4\tasia-northeast3\t0.217016\n` }), 'gcp-machine-instance-crosscheck.tsv:2: t2d-standard-4 in asia-northeast3: 0.217016 here but no price in gcp-machine-instance-prices.tsv'],
    [fixtureSources({ 'gcp-disk-prices.tsv': 'region\tpd-standard\tpd-balanced\tpd-ssd\nus-central1\t0.04\t0.1\t0.18\n' }), 'gcp-disk-prices.tsv:2: pd-ssd in us-central1: 0.18 here but 0.17 in gcp-autoscaler-us-central1.json'],
  ];
  // Azure's load balancer price keyed by kind instead of region once priced every Azure LB at 0.
  const flat = JSON.parse(readSources()['flat-prices.json'] ?? '{}') as { azure: { loadBalancer: Record<string, unknown> } };
  flat.azure.loadBalancer['hourlyUsd'] = { standard: 0.025 };
  table.push([fixtureSources({ 'flat-prices.json': JSON.stringify(flat) }), 'flat-prices.json: azure-lb-pricing: loadBalancer.hourlyUsd must map regions to kinds and have a "standard" price for eastus']);
  for (const [files, message] of table) assert.throws(() => generateCatalog(files), { message });
});

test('formatJson: objects pretty-printed to a depth, compact below it', () => {
  assert.equal(formatJson({ a: { b: { c: { d: 1 } } }, e: [1, 2] }, 2), '{\n  "a": {\n    "b": {"c":{"d":1}}\n  },\n  "e": [1,2]\n}');
});
