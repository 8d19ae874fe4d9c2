// Overview: total for the window and change vs the previous one, the split, the stacked trend,
// top namespaces, spot share and savings, monthly run rate.
import { useMemo } from 'preact/hooks';
import type { AllocationSet } from '../api.ts';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import type { DisplayColumn } from '../components/table.tsx';
import { DataTable } from '../components/table.tsx';
import { TrendChart } from '../components/trend.tsx';
import type { PageContext } from '../context.ts';
import { useLoad } from '../hooks.ts';
import type { TrendPoint } from '../model.ts';
import {
  describeWindow,
  exactUsd,
  formatPct,
  formatSignedPct,
  formatSignedUsd,
  formatUsd,
  monthlyRunRate,
  spotFigures,
  stepFor,
  trendSeries,
  windowMinutes,
} from '../model.ts';

const TREND_COLUMNS: DisplayColumn<TrendPoint>[] = [
  { id: 't', label: 'Step start (UTC)', value: (p) => new Date(p.t * 1000).toISOString() },
  { id: 'compute', label: 'Compute', numeric: true, value: (p) => p.compute, render: (p) => formatUsd(p.compute), title: (p) => exactUsd(p.compute) },
  { id: 'storage', label: 'Storage', numeric: true, value: (p) => p.storage, render: (p) => formatUsd(p.storage), title: (p) => exactUsd(p.storage) },
  { id: 'network', label: 'Network', numeric: true, value: (p) => p.network, render: (p) => formatUsd(p.network), title: (p) => exactUsd(p.network) },
  { id: 'idle', label: 'Idle', numeric: true, value: (p) => p.idle, render: (p) => formatUsd(p.idle), title: (p) => exactUsd(p.idle) },
  {
    id: 'total',
    label: 'Total',
    numeric: true,
    value: (p) => p.compute + p.storage + p.network + p.idle,
    render: (p) => formatUsd(p.compute + p.storage + p.network + p.idle),
    title: (p) => exactUsd(p.compute + p.storage + p.network + p.idle),
  },
];

function Kpi({ label, value, exact, detail, testId }: { label: string; value: string; exact: string; detail?: string; testId: string }) {
  return (
    <div class="kpi" data-testid={testId}>
      <div class="kpi-label">{label}</div>
      <div class="kpi-value" title={exact} data-exact={exact}>
        {value}
      </div>
      {detail ? <div class="kpi-detail">{detail}</div> : null}
    </div>
  );
}

export function Overview({ ctx }: { ctx: PageContext }) {
  const { api, state, filter } = ctx;
  const minutes = windowMinutes(state.window);
  const step = stepFor(minutes);
  const filtered = filter !== '';
  const [summary, retrySummary] = useLoad((signal) => api.summary(state.window, filter, signal), [state.window, filter]);
  // With a filter, idle is the part that would have been shared with what passes it (as the summary counts it).
  const [trend, retryTrend] = useLoad(
    (signal) => api.allocation({ window: state.window, aggregate: ['cluster'], step, accumulate: false, includeIdle: true, ...(filtered ? { filter } : {}) }, signal),
    [state.window, filter, step],
  );
  if (summary.state === 'loading') return <Loading what="the summary" />;
  if (summary.state === 'error') return <ErrorState error={summary.error} retry={retrySummary} />;
  const s = summary.value;
  const spanMinutes = (Date.parse(s.window.end) - Date.parse(s.window.start)) / 60_000 || minutes;
  const runRate = monthlyRunRate(s.totalCost, spanMinutes);
  const spot = ctx.assets.state === 'ready' ? spotFigures(ctx.assets.value) : undefined;
  const split = [
    { key: 'compute', label: 'Compute', value: s.split.compute },
    { key: 'storage', label: 'Storage', value: s.split.storage },
    { key: 'network', label: 'Network', value: s.split.network + s.split.loadBalancers },
    { key: 'idle', label: 'Idle', value: s.split.idle },
    { key: 'management', label: 'Cluster fees', value: s.split.management },
  ].filter((p) => p.key !== 'management' || p.value > 0);
  const splitTotal = split.reduce((x, p) => x + p.value, 0);
  const topMax = Math.max(0, ...s.topNamespaces.map((n) => n.totalCost));
  return (
    <div class="page">
      <h2 class="visually-hidden">Overview</h2>
      {s.totalCost === 0 ? <NoCost ctx={ctx} /> : null}
      <section class="kpis" aria-label="Key figures">
        <Kpi
          testId="kpi-total"
          label={`Total, ${describeWindow(state.window)}`}
          value={formatUsd(s.totalCost)}
          exact={exactUsd(s.totalCost)}
          {...(filtered ? { detail: s.split.management > 0 ? "filtered: with its share of idle and its clusters' fees" : 'filtered: with its share of idle, without cluster fees' } : {})}
        />
        <Kpi
          testId="kpi-change"
          label="Change vs previous window"
          value={formatSignedUsd(s.changeAmount)}
          exact={s.changeAmount === undefined ? 'no previous window' : `${exactUsd(s.changeAmount)} (${formatSignedPct(s.changeRatio)})`}
          detail={s.changeRatio === undefined ? 'no history before this window' : formatSignedPct(s.changeRatio)}
        />
        <Kpi testId="kpi-runrate" label="Monthly run rate" value={formatUsd(runRate)} exact={`${exactUsd(runRate)} = total / window × 730 h`} detail="at this window's pace" />
        <Kpi
          testId="kpi-spot"
          label="Savings at 70% spot"
          value={spot?.savingsMonthly === undefined ? '—' : `${formatUsd(spot.savingsMonthly)}/mo`}
          exact={spot?.savingsMonthly === undefined ? 'no node costs' : exactUsd(spot.savingsMonthly)}
          detail={
            spot?.spotCostShare === undefined
              ? 'node costs not available'
              : `spot today: ${formatPct(spot.spotCostShare)} of node cost; spot ${formatPct(spot.discount)} below on-demand (${spot.discountSource})`
          }
        />
      </section>

      <section class="card" aria-labelledby="split-h">
        <h3 id="split-h">Where the money goes</h3>
        <ul class="splitbar" aria-label="Cost split">
          {split.map((p) =>
            p.value > 0 ? (
              <li
                key={p.key}
                class={`split-seg seg-${p.key}`}
                style={{ flexGrow: p.value }}
                title={`${p.label}: ${exactUsd(p.value)} (${formatPct(splitTotal > 0 ? p.value / splitTotal : 0, 1)})`}
                aria-label={`${p.label} ${formatUsd(p.value)}, ${formatPct(splitTotal > 0 ? p.value / splitTotal : 0, 1)}`}
              />
            ) : null,
          )}
        </ul>
        <ul class="split-legend">
          {split.map((p) => (
            <li key={p.key} title={exactUsd(p.value)}>
              <span class={`swatch seg-${p.key}`} aria-hidden="true" />
              {p.label} <strong>{formatUsd(p.value)}</strong> <span class="muted">{formatPct(splitTotal > 0 ? p.value / splitTotal : 0)}</span>
            </li>
          ))}
        </ul>
      </section>

      <section class="card" aria-labelledby="trend-h">
        <h3 id="trend-h">Cost per {step === '1h' ? 'hour' : 'day'}</h3>
        {trend.state === 'loading' ? <Loading what="the trend" /> : null}
        {trend.state === 'error' ? <ErrorState error={trend.error} retry={retryTrend} /> : null}
        {trend.state === 'ready' ? <TrendBlock sets={trend.value} hourly={step === '1h'} ctx={ctx} /> : null}
      </section>

      <div class="two-col">
        <section class="card" aria-labelledby="top-h">
          <h3 id="top-h">Top namespaces</h3>
          {s.topNamespaces.length === 0 ? (
            <Empty>No namespace has costs in this window.</Empty>
          ) : (
            <ol class="rank" data-testid="top-namespaces">
              {s.topNamespaces.map((n) => (
                <li key={n.name}>
                  <a
                    href={ctx.href({ page: 'namespaces', ns: n.name, workload: '', pod: '' })}
                    onClick={(e) => {
                      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
                      e.preventDefault();
                      ctx.navigate({ page: 'namespaces', ns: n.name, workload: '', pod: '' });
                    }}
                  >
                    {n.name}
                  </a>
                  <span class="rank-bar" aria-hidden="true">
                    <span style={{ width: `${topMax > 0 ? (n.totalCost / topMax) * 100 : 0}%` }} />
                  </span>
                  <span class="num" title={exactUsd(n.totalCost)}>
                    {formatUsd(n.totalCost)}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>
        <section class="card" aria-labelledby="spot-h">
          <h3 id="spot-h">Spot vs on-demand</h3>
          {ctx.assets.state === 'loading' ? <Loading what="nodes" /> : null}
          {ctx.assets.state === 'error' ? <p class="muted">Node costs are not available: {ctx.assets.error.message}</p> : null}
          {spot && spot.spotCostShare !== undefined ? (
            <div>
              <div class="splitbar" aria-hidden="true">
                <div class="split-seg seg-spot" style={{ flexGrow: spot.spotCostShare }} />
                <div class="split-seg seg-ondemand" style={{ flexGrow: 1 - spot.spotCostShare }} />
              </div>
              <p>
                Spot: <strong>{formatPct(spot.spotCostShare)}</strong> of node cost, {formatPct(spot.spotNodeShare)} of node-hours. Running 70% of capacity on spot
                would save about <strong title={exactUsd(spot.savingsMonthly)}>{formatUsd(spot.savingsMonthly)}</strong> a month, with spot prices{' '}
                {formatPct(spot.discount)} below on-demand ({spot.discountSource === 'observed' ? "as on this cluster's spot nodes" : 'assumed: no spot node to observe'}).
                {s.spotSavings !== undefined && s.spotSavings > 0 ? (
                  <>
                    {' '}
                    Spot already saved <strong title={exactUsd(s.spotSavings)}>{formatUsd(s.spotSavings)}</strong> in this window.
                  </>
                ) : null}
              </p>
            </div>
          ) : null}
        </section>
      </div>
    </div>
  );
}

/** Why a window is empty, from what the history store holds (`/api/v1/coverage`). */
function NoCost({ ctx }: { ctx: PageContext }) {
  const [coverage] = useLoad((signal) => ctx.api.coverage(signal), []);
  let history = '';
  if (coverage.state === 'ready') {
    const first = Math.min(...coverage.value.map((c) => Date.parse(c.first)));
    const last = Math.max(...coverage.value.map((c) => Date.parse(c.last)));
    history =
      coverage.value.length === 0 || !Number.isFinite(first)
        ? ' Nothing is recorded yet: the first cycle after a start only sets the clock, the second records the interval since.'
        : ` The history covers ${new Date(first).toISOString().slice(0, 16).replace('T', ' ')} → ${new Date(last).toISOString().slice(0, 16).replace('T', ' ')} UTC (${formatDuration(last - first)}).`;
  }
  return (
    <Empty>
      <strong>No cost recorded in the {describeWindow(ctx.state.window)}.</strong> The exporter records costs every cycle (--interval, 60 s by default).
      {history} Pick a window inside it, or clear the filters.
    </Empty>
  );
}

function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} hours` : `${Math.round(hours / 24)} days`;
}

function TrendBlock({ sets, hourly, ctx }: { sets: readonly AllocationSet[]; hourly: boolean; ctx: PageContext }) {
  // The same array while the answer is the same: the chart is drawn once, not on every render.
  const points = useMemo(() => trendSeries(sets), [sets]);
  if (points.length === 0) return <Empty>No history in this window yet: the trend fills in as the exporter records cycles.</Empty>;
  return (
    <>
      <TrendChart points={points} hourly={hourly} theme={ctx.theme} />
      <details class="trend-table">
        <summary>Show the figures as a table</summary>
        <DataTable caption="Cost per step" fileName={`trend-${ctx.state.window.replaceAll(':', '')}.csv`} columns={TREND_COLUMNS} rows={points} rowKey={(p) => String(p.t)} defaultSort="t" />
      </details>
    </>
  );
}
