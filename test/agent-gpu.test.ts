// nvidia-smi CSV and DCGM exporter output (fixtures: there is no GPU here) → GPU usage per pod.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentParseError } from '../src/agent/errors.ts';
import { gpuUsageByPod, gpuUsageFromDcgm, parseComputeAppsQuery, parseGpuQuery } from '../src/agent/gpu.ts';

// `nvidia-smi --query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total --format=csv`
const GPUS = `index, uuid, name, utilization.gpu [%], memory.used [MiB], memory.total [MiB]
0, GPU-604ac76c-d9cf-fef3-62e9-d92044ab6e52, Tesla T4, 80 %, 10240 MiB, 15360 MiB
1, GPU-1f2e3d4c-0000-1111-2222-333344445555, Tesla T4, 30 %, 4096 MiB, 15360 MiB
2, GPU-aaaaaaaa-0000-1111-2222-333344445555, Tesla T4, [N/A], [N/A], 15360 MiB
`;
// `nvidia-smi --query-compute-apps=pid,gpu_uuid,used_memory --format=csv`
const APPS = `pid, gpu_uuid, used_gpu_memory [MiB]
4242, GPU-604ac76c-d9cf-fef3-62e9-d92044ab6e52, 10000 MiB
5151, GPU-1f2e3d4c-0000-1111-2222-333344445555, 3072 MiB
6161, GPU-1f2e3d4c-0000-1111-2222-333344445555, 1024 MiB
7171, GPU-1f2e3d4c-0000-1111-2222-333344445555, 1 MiB
`;
const MiB = 1024 * 1024;

test('nvidia-smi CSV with units; [N/A] is unknown, not zero', () => {
  const gpus = parseGpuQuery(GPUS);
  assert.deepEqual(gpus[0], { index: 0, uuid: 'GPU-604ac76c-d9cf-fef3-62e9-d92044ab6e52', model: 'Tesla T4', utilizationRatio: 0.8, memoryUsedBytes: 10240 * MiB, memoryTotalBytes: 15360 * MiB });
  assert.equal(gpus[2]!.utilizationRatio, undefined);
  assert.deepEqual(parseComputeAppsQuery('pid, gpu_uuid, used_gpu_memory [MiB]\nNo running processes found\n'), []);
  assert.throws(() => parseGpuQuery(GPUS.replace('80 %', 'eighty')), (e: unknown) => e instanceof AgentParseError && e.message === 'nvidia-smi --query-gpu: row 1 utilization.gpu: expected a percentage (got "eighty")');
  assert.throws(() => parseGpuQuery('Failed to initialize NVML: Driver/library version mismatch\n'), (e: unknown) => e instanceof AgentParseError && /header: not an nvidia-smi field name/.test(e.message));
});

test('per pod through the processes: a pod alone on a GPU gets all of it; two pods share by memory', () => {
  // 4242 → pod A alone on GPU 0; 5151 → pod B and 6161 → pod C share GPU 1 (3 GiB and 1 GiB of its
  // memory); 7171 is not in a pod (a host process) and is not attributed.
  const pods: Record<number, string> = { 4242: 'A', 5151: 'B', 6161: 'C' };
  const usage = gpuUsageByPod(parseGpuQuery(GPUS), parseComputeAppsQuery(APPS), (pid) => pods[pid]);
  assert.deepEqual(usage.get('A'), { devices: 1, utilizationGpus: 0.8, memoryUsedBytes: 10000 * MiB });
  assert.deepEqual(usage.get('B'), { devices: 1, utilizationGpus: 0.3 * 0.75, memoryUsedBytes: 3072 * MiB }); // 3072 / (3072 + 1024)
  assert.deepEqual(usage.get('C'), { devices: 1, utilizationGpus: 0.3 * 0.25, memoryUsedBytes: 1024 * MiB });
  assert.equal(usage.size, 3);
});

// A DCGM exporter running with DCGM_EXPORTER_KUBERNETES=true labels each GPU with its pod.
const DCGM = `# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).
# TYPE DCGM_FI_DEV_GPU_UTIL gauge
DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-604ac76c-d9cf-fef3-62e9-d92044ab6e52",device="nvidia0",modelName="Tesla T4",Hostname="node-1",container="trainer",namespace="ml",pod="trainer-0"} 80
DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-1f2e3d4c-0000-1111-2222-333344445555",device="nvidia1",modelName="Tesla T4",Hostname="node-1",container="trainer",namespace="ml",pod="trainer-0"} 40
DCGM_FI_DEV_GPU_UTIL{gpu="2",UUID="GPU-aaaaaaaa-0000-1111-2222-333344445555",device="nvidia2",modelName="Tesla T4",Hostname="node-1"} 0
# HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).
# TYPE DCGM_FI_DEV_FB_USED gauge
DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-604ac76c-d9cf-fef3-62e9-d92044ab6e52",device="nvidia0",modelName="Tesla T4",Hostname="node-1",container="trainer",namespace="ml",pod="trainer-0"} 10240
DCGM_FI_DEV_FB_USED{gpu="1",UUID="GPU-1f2e3d4c-0000-1111-2222-333344445555",device="nvidia1",modelName="Tesla T4",Hostname="node-1",container="trainer",namespace="ml",pod="trainer-0"} 2048
DCGM_FI_DEV_SM_CLOCK{gpu="0",UUID="GPU-604ac76c-d9cf-fef3-62e9-d92044ab6e52"} 1590
`;

test('DCGM exporter: per pod from its labels; GPUs without a pod are not attributed', () => {
  const usage = gpuUsageFromDcgm(DCGM);
  assert.deepEqual([...usage.keys()], ['ml/trainer-0']);
  assert.deepEqual(usage.get('ml/trainer-0'), { devices: 2, utilizationGpus: 1.2, memoryUsedBytes: (10240 + 2048) * MiB }); // 80 % + 40 %
  assert.throws(() => gpuUsageFromDcgm('DCGM_FI_DEV_GPU_UTIL{gpu="0",pod=} 5\n'), (e: unknown) => e instanceof AgentParseError && /line 1 labels: malformed label/.test(e.message));
});
