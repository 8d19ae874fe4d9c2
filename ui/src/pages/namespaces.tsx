// Namespaces → workloads → pods → containers. The level is in the URL (ns, workload, pod), so a
// link opens the same table; breadcrumbs go back up. Containers are answered only by an exporter
// that records them (--record-containers); otherwise the API's 400 says so, and the page shows it.
import type { ComponentChildren } from 'preact';
import type { AllocationAggregate, AllocationSet, ApiClient } from '../api.ts';
import type { AllocationRow } from '../columns.tsx';
import { allocationColumns } from '../columns.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { DataTable } from '../components/table.tsx';
import type { PageContext } from '../context.ts';
import { useLoad } from '../hooks.ts';
import type { UiState } from '../model.ts';
import { buildFilter, controllerOfGroup, describeWindow, exactUsd, formatUsd, isPseudo, parseWorkload, pseudoLabel } from '../model.ts';

interface Level {
  readonly id: 'namespaces' | 'workloads' | 'pods' | 'containers';
  readonly title: string;
  readonly nameLabel: string;
  readonly aggregate: AllocationAggregate[];
  readonly filter: string;
  /** Label and next-level state of a row. */
  readonly row: (name: string, set: AllocationSet) => { label: string; next?: Partial<UiState> };
  /** What to do about a refused query (HTTP 400) at this level, instead of the general hint. */
  readonly refusedHint?: string;
}

function levelOf(state: UiState, baseFilter: string): Level {
  const and = (extra: string) => [baseFilter, extra].filter((x) => x !== '').join('+');
  const w = parseWorkload(state.workload);
  if (state.ns !== '' && w !== undefined && state.pod !== '') {
    return {
      id: 'containers',
      title: `Containers of pod ${state.pod}`,
      nameLabel: 'Container',
      aggregate: ['container'],
      filter: and(buildFilter({ namespace: state.ns, controllerKind: w.kind, controller: w.name, pod: state.pod })),
      row: (name) => ({ label: isPseudo(name) ? pseudoLabel(name) : name }),
      refusedHint: 'Costs per container are recorded only by an exporter started with --record-containers, from then on (the message below says what the history holds).',
    };
  }
  if (state.ns !== '' && w !== undefined) {
    return {
      id: 'pods',
      title: `Pods of ${w.kind} ${w.name}`,
      nameLabel: 'Pod',
      aggregate: ['pod'],
      filter: and(buildFilter({ namespace: state.ns, controllerKind: w.kind, controller: w.name })),
      row: (name, set) => {
        const pod = set[name]?.properties.pod ?? name.slice(name.lastIndexOf('/') + 1);
        return isPseudo(name) ? { label: pseudoLabel(name) } : { label: pod, next: { pod } };
      },
    };
  }
  if (state.ns !== '') {
    return {
      id: 'workloads',
      title: `Workloads in ${state.ns}`,
      nameLabel: 'Workload',
      aggregate: ['controller'],
      filter: and(buildFilter({ namespace: state.ns })),
      row: (name, set) => {
        const c = controllerOfGroup(name, set[name]?.properties ?? {});
        if (c === undefined) return { label: name === '__unallocated__' ? 'pods without a controller' : pseudoLabel(name) };
        return { label: `${c.name} (${c.kind})`, next: { workload: `${c.kind}/${c.name}` } };
      },
    };
  }
  return {
    id: 'namespaces',
    title: 'Namespaces',
    nameLabel: 'Namespace',
    aggregate: ['namespace'],
    filter: baseFilter,
    row: (name, set) => {
      const ns = set[name]?.properties.namespace ?? name;
      return isPseudo(name) ? { label: pseudoLabel(name) } : { label: ns, next: { ns } };
    },
  };
}

async function loadLevel(api: ApiClient, window: string, level: Level, signal: AbortSignal): Promise<[AllocationSet, AllocationSet]> {
  const base = { window, aggregate: level.aggregate, accumulate: true, ...(level.filter ? { filter: level.filter } : {}) };
  // Idle is shared only when it is computed (includeIdle), as OpenCost does.
  const [plain, shared] = await Promise.all([api.allocation({ ...base, shareIdle: false }, signal), api.allocation({ ...base, includeIdle: true, shareIdle: true }, signal)]);
  return [plain[0] ?? {}, shared[0] ?? {}];
}

export function Namespaces({ ctx }: { ctx: PageContext }) {
  const { state, api, navigate } = ctx;
  const level = levelOf(state, ctx.filter);
  const [data, retry] = useLoad((signal) => loadLevel(api, state.window, level, signal), [state.window, level.filter, level.id]);
  const w = parseWorkload(state.workload);
  const crumbs: { label: string; patch: Partial<UiState> }[] = [{ label: 'All namespaces', patch: { ns: '', workload: '', pod: '' } }];
  if (state.ns !== '') crumbs.push({ label: state.ns, patch: { workload: '', pod: '' } });
  if (state.ns !== '' && w) crumbs.push({ label: `${w.name} (${w.kind})`, patch: { pod: '' } });
  if (state.ns !== '' && w && state.pod !== '') crumbs.push({ label: state.pod, patch: {} });
  let body: ComponentChildren;
  if (data.state === 'loading') body = <Loading what={level.title.toLowerCase()} />;
  else if (data.state === 'error') body = <ErrorState error={data.error} retry={retry} {...(level.refusedHint ? { refusedHint: level.refusedHint } : {})} />;
  else {
    const [plain, shared] = data.value;
    const rows: AllocationRow[] = Object.keys(plain).map((name) => {
      const a = plain[name]!;
      const s = shared[name];
      const { label, next } = level.row(name, plain);
      return {
        key: name,
        label,
        allocation: a,
        idleShare: s === undefined || isPseudo(name) ? undefined : Math.max(0, s.totalCost - a.totalCost),
        ...(next ? { href: ctx.href({ ...next, sort: '' }), onOpen: () => navigate({ ...next, sort: '' }) } : {}),
      };
    });
    const total = rows.reduce((x, r) => x + r.allocation.totalCost, 0);
    body =
      rows.length === 0 ? (
        <Empty>
          Nothing to show for {level.title.toLowerCase()} in the {describeWindow(state.window)}. Widen the window or clear the filters; a new exporter needs a few cycles
          before history exists.
        </Empty>
      ) : (
        <DataTable
          caption={level.title}
          showCaption={false}
          fileName={`${level.id}-${[state.ns, w?.name, state.pod].filter(Boolean).join('-') || 'all'}-${state.window.replaceAll(':', '')}.csv`}
          columns={allocationColumns(level.nameLabel)}
          rows={rows}
          rowKey={(r) => r.key}
          defaultSort="-totalCost"
          sort={state.sort}
          onSort={(sort) => navigate({ sort }, { replace: true })}
          footer={[
            `Total (${rows.length})`,
            ...['cpuCost', 'ramCost', 'gpuCost', 'pvCost'].map((k) => formatUsd(rows.reduce((x, r) => x + (r.allocation[k as 'cpuCost'] ?? 0), 0))),
            formatUsd(rows.reduce((x, r) => x + r.allocation.networkCost + r.allocation.loadBalancerCost, 0)),
            formatUsd(rows.reduce((x, r) => x + (r.idleShare ?? 0), 0)),
            <span key="t" title={exactUsd(total)} data-testid="table-total">
              {formatUsd(total)}
            </span>,
            '',
            '',
            '',
          ]}
        />
      );
  }
  return (
    <div class="page">
      <nav aria-label="Breadcrumb" class="crumbs">
        <ol>
          {crumbs.map((c, i) =>
            i === crumbs.length - 1 ? (
              <li key={c.label} aria-current="page">
                {c.label}
              </li>
            ) : (
              <li key={c.label}>
                <a
                  href={ctx.href({ ...c.patch, sort: '' })}
                  onClick={(e) => {
                    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
                    e.preventDefault();
                    navigate({ ...c.patch, sort: '' });
                  }}
                >
                  {c.label}
                </a>
              </li>
            ),
          )}
        </ol>
      </nav>
      <h2>{level.title}</h2>
      {body}
    </div>
  );
}
