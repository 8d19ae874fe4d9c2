// The stacked cost trend (uPlot on a canvas): compute, storage, network and idle per step, with a
// tooltip giving the exact figures of the hovered step. Screen readers get the same numbers from
// the table under it.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TrendPoint } from '../model.ts';
import { exactUsd, formatUsd } from '../model.ts';

export const TREND_SERIES = [
  { key: 'compute', label: 'Compute', color: '--c-compute' },
  { key: 'storage', label: 'Storage', color: '--c-storage' },
  { key: 'network', label: 'Network', color: '--c-network' },
  { key: 'idle', label: 'Idle', color: '--c-idle' },
] as const;

function cssVar(el: Element, name: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || '#888';
}

export function TrendChart({ points, hourly, theme }: { points: readonly TrendPoint[]; hourly: boolean; theme: string }) {
  const host = useRef<HTMLDivElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    const tipEl = tip.current;
    if (!el || !tipEl || points.length === 0) return;
    const xs = points.map((p) => p.t);
    // Stacked: series i is the sum of categories 0..i; drawn from the top down so each band shows.
    const cumulative = TREND_SERIES.map((_, i) => points.map((p) => TREND_SERIES.slice(0, i + 1).reduce((s, c) => s + p[c.key], 0)));
    const order = [...TREND_SERIES.keys()].reverse();
    const bars = uPlot.paths.bars?.({ size: [0.8, 64] });
    const axisColor = cssVar(el, '--fg-muted');
    const gridColor = cssVar(el, '--grid');
    const width = () => Math.max(280, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 260,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { show: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] } },
        axes: [
          {
            stroke: axisColor,
            grid: { stroke: gridColor, width: 1 },
            ticks: { stroke: gridColor },
            // Daily steps: dates only (UTC, as the API's windows); hourly: uPlot's own time ticks.
            ...(hourly
              ? {}
              : {
                  // Whole days only (1, 2, 7, 14, 30 days apart), so no date shows twice.
                  incrs: [86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400],
                  values: (_u: uPlot, vals: number[]) => vals.map((v) => new Date(v * 1000).toISOString().slice(5, 10)),
                }),
          },
          { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor }, size: 64, values: (_u, vals) => vals.map((v) => formatUsd(v)) },
        ],
        series: [
          {},
          ...order.map((i) => {
            const s = TREND_SERIES[i]!;
            const color = cssVar(el, s.color);
            return { label: s.label, stroke: color, fill: color, width: 0, ...(bars ? { paths: bars } : {}), points: { show: false } };
          }),
        ],
        hooks: {
          setCursor: [
            (u) => {
              const idx = u.cursor.idx;
              const p = idx === null || idx === undefined ? undefined : points[idx];
              if (!p || u.cursor.left === undefined || u.cursor.left < 0) {
                tipEl.hidden = true;
                return;
              }
              const date = new Date(p.t * 1000);
              const when = hourly ? `${date.toISOString().slice(0, 13).replace('T', ' ')}:00 UTC` : date.toISOString().slice(0, 10);
              const total = p.compute + p.storage + p.network + p.idle;
              tipEl.replaceChildren();
              const head = document.createElement('div');
              head.className = 'tip-head';
              head.textContent = when;
              tipEl.append(head);
              for (const s of [...TREND_SERIES, { key: 'total', label: 'Total', color: '--fg' } as const]) {
                const row = document.createElement('div');
                row.className = 'tip-row';
                const value = s.key === 'total' ? total : p[s.key];
                const name = document.createElement('span');
                name.textContent = s.label;
                name.style.setProperty('--swatch', cssVar(el, s.color));
                name.className = s.key === 'total' ? 'tip-total' : 'tip-name';
                const v = document.createElement('span');
                v.textContent = exactUsd(value);
                v.className = 'mono';
                row.append(name, v);
                tipEl.append(row);
              }
              tipEl.hidden = false;
              const left = u.cursor.left + u.over.offsetLeft;
              const flip = left > el.clientWidth / 2;
              tipEl.style.left = flip ? '' : `${left + 12}px`;
              tipEl.style.right = flip ? `${el.clientWidth - left + 12}px` : '';
            },
          ],
        },
      },
      [xs, ...order.map((i) => cumulative[i]!)],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [points, hourly, theme]);
  const total = points.reduce((s, p) => s + p.compute + p.storage + p.network + p.idle, 0);
  return (
    <div class="chart-wrap">
      <div ref={host} class="chart" role="img" aria-label={`Stacked cost per ${hourly ? 'hour' : 'day'}: ${points.length} steps, ${formatUsd(total)} in all; the table below has every figure.`} />
      <div ref={tip} class="chart-tip" hidden role="tooltip" data-testid="chart-tooltip" />
      <ul class="legend" aria-label="Chart legend">
        {TREND_SERIES.map((s) => (
          <li key={s.key}>
            <span class="swatch" style={{ background: `var(${s.color})` }} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
    </div>
  );
}
