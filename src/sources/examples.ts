// Former name of the examples generator, kept so existing imports keep working; use examples-generator.ts.
export { EXAMPLE_SEED, EXAMPLE_TIME_MS, exampleFiles } from './examples-generator.ts';
