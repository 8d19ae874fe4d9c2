// The shell: header with the window picker, theme switch and page links; the filter bar; the demo
// banner; the page. All state is in the query string (shareable links, back/forward work).
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ApiClient, Asset } from './api.ts';
import type { PageContext } from './context.ts';
import { useLoad } from './hooks.ts';
import type { Page, UiState } from './model.ts';
import { buildFilter, customWindow, PAGES, parseState, selectedNodes, stateToSearch, WINDOW_PRESETS, windowMinutes } from './model.ts';
import { Efficiency } from './pages/efficiency.tsx';
import { Namespaces } from './pages/namespaces.tsx';
import { Nodes } from './pages/nodes.tsx';
import { Overview } from './pages/overview.tsx';

type Theme = 'light' | 'dark';
const THEME_KEY = 'kce-theme';

export function initialTheme(): Theme {
  try {
    const saved = localStorage.getItem(THEME_KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {}
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function validWindow(w: string): boolean {
  try {
    windowMinutes(w);
    return true;
  } catch {
    return false;
  }
}

function uniq(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))].sort();
}

function Select({ id, label, value, options, onChange, allLabel }: { id: string; label: string; value: string; options: readonly string[]; onChange: (v: string) => void; allLabel: string }) {
  const opts = value !== '' && !options.includes(value) ? [value, ...options] : options;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">{allLabel}</option>
        {opts.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

function WindowPicker({ value, onChange }: { value: string; onChange: (w: string) => void }) {
  const isPreset = WINDOW_PRESETS.some((w) => w.value === value);
  const [custom, setCustom] = useState(!isPreset);
  const endMs = Date.parse(value.split(',')[1] ?? '');
  const [from, setFrom] = useState(isPreset ? '' : value.slice(0, 10));
  const [to, setTo] = useState(isPreset || !Number.isFinite(endMs) ? '' : new Date(endMs - 1).toISOString().slice(0, 10));
  const [error, setError] = useState('');
  // Back and forward change the window under the picker: follow it.
  useEffect(() => {
    if (isPreset) setCustom(false);
  }, [isPreset]);
  return (
    <fieldset class="window-picker">
      <legend class="visually-hidden">Time window</legend>
      <div class="field">
        <label for="window">Window</label>
        <select
          id="window"
          value={custom ? 'custom' : value}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            if (v === 'custom') setCustom(true);
            else {
              setCustom(false);
              onChange(v);
            }
          }}
        >
          {WINDOW_PRESETS.map((w) => (
            <option key={w.value} value={w.value}>
              Last {w.label}
            </option>
          ))}
          <option value="custom">Custom range…</option>
        </select>
      </div>
      {custom ? (
        <form
          class="custom-range"
          onSubmit={(e) => {
            e.preventDefault();
            try {
              onChange(customWindow(from, to));
              setError('');
            } catch (err) {
              setError((err as Error).message);
            }
          }}
        >
          <div class="field">
            <label for="from">From</label>
            <input id="from" type="date" value={from} required onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="to">To (inclusive)</label>
            <input id="to" type="date" value={to} required onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <button type="submit">Apply</button>
          {error ? (
            <span role="alert" class="field-error">
              {error}
            </span>
          ) : null}
        </form>
      ) : null}
    </fieldset>
  );
}

function Banner({ children }: { children: ComponentChildren }) {
  return (
    <div class="banner" role="note" data-testid="demo-banner">
      {children}
    </div>
  );
}

export function App({ api }: { api: ApiClient }) {
  const [state, setState] = useState<UiState>(() => parseState(location.search));
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    const onPop = () => setState(parseState(location.search));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const page = PAGES.find((p) => p.id === state.page) ?? PAGES[0]!;
  useEffect(() => {
    document.title = `${page.label} · kube-cost-exporter`;
  }, [page.label]);

  const href = (patch: Partial<UiState>) => `${location.pathname}${stateToSearch({ ...state, ...patch })}` || '/';
  const navigate = (patch: Partial<UiState>, options: { replace?: boolean } = {}) => {
    const next = { ...state, ...patch };
    const url = `${location.pathname}${stateToSearch(next)}`;
    if (options.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    setState(next);
  };
  const windowOk = validWindow(state.window);
  const window = windowOk ? state.window : '7d';

  const [status] = useLoad((signal) => api.status(signal), []);
  // Nodes fill the spot card and the pool / instance type menus: asked once the page's own data is
  // on its way, unless a node filter needs them to build the query.
  const nodeFilter = state.pool !== '' || state.instanceType !== '';
  const [assets] = useLoad((signal) => api.assets(window, signal), [window], { defer: !nodeFilter });
  const [namespaces] = useLoad((signal) => api.allocation({ window, aggregate: ['namespace'], accumulate: true }, signal), [window], { defer: true });
  const labelKey = state.label.includes('=') ? state.label.slice(0, state.label.indexOf('=')) : 'team';
  const [labels] = useLoad((signal) => api.allocation({ window, aggregate: [`label:${labelKey}`], accumulate: true }, signal), [window, labelKey], { defer: true });

  const assetList: readonly Asset[] = assets.state === 'ready' ? assets.value : [];
  const nodes = selectedNodes(assetList, state.pool, state.instanceType);
  const filter = useMemo(
    () => buildFilter({ cluster: state.cluster, namespace: state.namespace, label: state.label, ...(nodes !== undefined ? { nodes } : {}) }),
    [state.cluster, state.namespace, state.label, nodes?.join(',')],
  );
  const waitingForNodes = nodes !== undefined && assets.state !== 'ready';
  const ctx: PageContext = { state: { ...state, window }, navigate, href, api, assets, filter, theme };

  const nodeAssets = assetList.filter((a) => a.type === 'Node');
  const clusters = uniq(nodeAssets.map((a) => a.properties.cluster));
  const pools = uniq(nodeAssets.map((a) => a.pool));
  const types = uniq(nodeAssets.map((a) => a.nodeType));
  const nsOptions = namespaces.state === 'ready' ? uniq(Object.values(namespaces.value[0] ?? {}).map((a) => (a.name.startsWith('__') ? undefined : (a.properties.namespace ?? a.name)))) : [];
  const labelOptions = labels.state === 'ready' ? uniq(Object.keys(labels.value[0] ?? {}).map((k) => (k.startsWith('__') ? undefined : `${labelKey}=${k}`))) : [];
  const filtersActive = state.cluster !== '' || state.namespace !== '' || state.label !== '' || state.pool !== '' || state.instanceType !== '';

  let content: ComponentChildren;
  if (waitingForNodes) content = <div class="state">Resolving the node filter…</div>;
  else if (page.id === 'overview') content = <Overview ctx={ctx} />;
  else if (page.id === 'namespaces') content = <Namespaces ctx={ctx} />;
  else if (page.id === 'nodes') content = <Nodes ctx={ctx} />;
  else content = <Efficiency ctx={ctx} />;

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="brand">
          <span class="logo" aria-hidden="true">
            ◆
          </span>
          <span>kube-cost-exporter</span>
        </div>
        <nav aria-label="Pages" class="pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.id}>
                <a
                  href={href({ page: p.id as Page, ns: '', workload: '', pod: '', sort: '' })}
                  aria-current={p.id === page.id ? 'page' : undefined}
                  onClick={(e) => {
                    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
                    e.preventDefault();
                    navigate({ page: p.id, ns: '', workload: '', pod: '', sort: '' });
                  }}
                >
                  {p.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          class="secondary theme-toggle"
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          onClick={() => {
            const next = theme === 'dark' ? 'light' : 'dark';
            setTheme(next);
            try {
              localStorage.setItem(THEME_KEY, next);
            } catch {}
          }}
        >
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </header>
      {status.state === 'ready' && status.value.demo ? (
        <Banner>
          <strong>Demo data.</strong> These figures come from {status.value.source}, not from a real cluster. Point the exporter at a cluster (--source kube, or a kubeconfig
          context) to see your own costs.
        </Banner>
      ) : null}
      {status.state === 'ready' && !status.value.ready ? (
        <div class="banner banner-warn" role="status">
          The exporter is not ready yet{status.value.reason ? `: ${status.value.reason}` : ''}. Figures may be missing until its first cycle completes.
        </div>
      ) : null}
      <section class="filters" aria-label="Filters">
        <WindowPicker value={window} onChange={(w) => navigate({ window: w })} />
        <Select id="f-cluster" label="Cluster" value={state.cluster} options={clusters} allLabel="All clusters" onChange={(v) => navigate({ cluster: v })} />
        <Select id="f-namespace" label="Namespace" value={state.namespace} options={nsOptions} allLabel="All namespaces" onChange={(v) => navigate({ namespace: v })} />
        <Select id="f-label" label={`Label (${labelKey})`} value={state.label} options={labelOptions} allLabel="Any" onChange={(v) => navigate({ label: v })} />
        <Select id="f-pool" label="Node pool" value={state.pool} options={pools} allLabel="All pools" onChange={(v) => navigate({ pool: v })} />
        <Select id="f-type" label="Instance type" value={state.instanceType} options={types} allLabel="All types" onChange={(v) => navigate({ instanceType: v })} />
        {filtersActive ? (
          <button type="button" class="secondary" onClick={() => navigate({ cluster: '', namespace: '', label: '', pool: '', instanceType: '' })}>
            Clear filters
          </button>
        ) : null}
      </section>
      {!windowOk ? (
        <div class="banner banner-warn" role="alert">
          The window “{state.window}” in the link is not understood; showing the last 7 days.
        </div>
      ) : null}
      <main id="main" tabIndex={-1}>
        {content}
      </main>
      <footer class="foot">
        <span>
          Data: <a href="/api/v1/allocation?window=7d&amp;aggregate=namespace">/api/v1/allocation</a> · <a href="/metrics">/metrics</a> · <a href="/readyz">/readyz</a>
        </span>
      </footer>
    </>
  );
}
