// A uPlot chart over time with its text alternative: a one-line summary under the chart and the
// same numbers as a table behind "Show as a table" (the canvas itself is hidden from screen readers).
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: (number | null)[];
  /** How a value reads in the table (money, a count). */
  format: (v: number) => string;
  /** How it reads on the axis, where room is short ("273 тыс. ₽"); `format` when not given. */
  axisFormat?: (v: number) => string;
}

/**
 * The y axis as wide as its longest label (uPlot measures with the axis's own font), so that no
 * label is clipped ("000,00 ₽"); uPlot calls it again after the labels change.
 */
const fitAxis: uPlot.Axis.Size = (self, values, axisIdx, cycleNum) => {
  const axis = self.axes[axisIdx]!;
  if (cycleNum > 1) return (axis as { _size?: number })._size ?? 60;
  const longest = (values ?? []).reduce((a, v) => (v.length > a.length ? v : a), '');
  // Set up by uPlot as [css font, size] (the type says the string it was given).
  const font = (axis.font as unknown as [string, number] | undefined)?.[0];
  if (font) self.ctx.font = font;
  return Math.ceil((axis.ticks?.size ?? 10) + (axis.gap ?? 5) + self.ctx.measureText(longest).width / devicePixelRatio) + 4;
};

/** Two distinguishable colours with at least 3:1 against white (WCAG non-text contrast). */
const COLOURS = ['#0a5bb5', '#b35900', '#1d6b32', '#7b2a9e'];

export function TimeChart(props: { title: string; summary: string; tableLabel: string; periodLabel: string; x: number[]; periods: string[]; series: Series[]; xFormat: (seconds: number) => string; bars?: boolean; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const { x, series } = props;
  useEffect(() => {
    if (!box.current) return;
    const fmt = series[0]?.axisFormat ?? series[0]?.format ?? String;
    const plot = new uPlot(
      {
        width: box.current.clientWidth || 600,
        height: 220,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: COLOURS[i % COLOURS.length],
            width: 2,
            ...(props.bars ? { paths: uPlot.paths.bars!({ size: [0.6 / series.length, 40] }), fill: COLOURS[i % COLOURS.length] } : {}),
          })),
        ],
        axes: [{ space: 70, values: (_u, splits) => splits.map((v) => props.xFormat(v)) }, { size: fitAxis, values: (_u, splits) => splits.map((v) => fmt(v)) }],
        legend: { show: false },
        cursor: { show: false },
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      box.current,
    );
    return () => plot.destroy();
  }, [x, series, props.bars]);
  return (
    <figure class="chart-figure" data-testid={props.testId}>
      <figcaption>
        <strong>{props.title}</strong>
        <ul class="legend">
          {series.map((s, i) => (
            <li>
              <span class="swatch" style={{ background: COLOURS[i % COLOURS.length] }} aria-hidden="true" />
              {s.label}
            </li>
          ))}
        </ul>
      </figcaption>
      <div class="chart" ref={box} aria-hidden="true" />
      <p class="hint">{props.summary}</p>
      <details>
        <summary>{props.tableLabel}</summary>
        <table>
          <caption class="visually-hidden">{props.title}</caption>
          <thead>
            <tr>
              <th scope="col">{props.periodLabel}</th>
              {series.map((s) => (
                <th scope="col" class="num">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.periods.map((p, i) => (
              <tr>
                <th scope="row">{p}</th>
                {series.map((s) => {
                  const v = s.values[i];
                  return <td class="num">{v === null || v === undefined ? '—' : s.format(v)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
