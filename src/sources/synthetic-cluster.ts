// Former name of the synthetic cluster generator, kept so existing imports keep working; use synthetic.ts.
export { generateSyntheticList, generateSyntheticMetrics, SYNTHETIC_SIZES } from './synthetic.ts';
export type { SyntheticOptions } from './synthetic.ts';
