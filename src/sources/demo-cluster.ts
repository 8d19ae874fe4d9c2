// Former name of the demo source, kept so existing imports keep working; use demo.ts.
export { createDemoCluster, createDemoSource, diurnalLoad } from './demo.ts';
