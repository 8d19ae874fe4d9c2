// What every page gets from the shell.
import type { ApiClient, Asset } from './api.ts';
import type { Loadable } from './hooks.ts';
import type { UiState } from './model.ts';

export interface PageContext {
  readonly state: UiState;
  /** Changes the URL state (pushes a history entry unless `replace`). */
  readonly navigate: (patch: Partial<UiState>, options?: { replace?: boolean }) => void;
  /** The href of a state change, for real links (open in new tab, copy link). */
  readonly href: (patch: Partial<UiState>) => string;
  readonly api: ApiClient;
  readonly assets: Loadable<readonly Asset[]>;
  /** OpenCost filter of the filter bar (cluster, namespace, label, node pool / instance type as nodes). */
  readonly filter: string;
  readonly theme: 'light' | 'dark';
}
