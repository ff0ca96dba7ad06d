/**
 * Line charts as SVG text: axes with ticks and labels, a legend, linear or log y, dashed guide lines.
 * Pure string building, so the same chart is drawn in Node (`tfjs-gan plot`, the docs' curves) and in a
 * page (the demo's losses), with no DOM, canvas or dependency.
 *
 * @packageDocumentation
 */
import { ConfigError, describeValue } from '../errors.js';

/** One line of a chart. */
export interface ChartSeries {
  /** The legend's label. */
  readonly label: string;
  /** The points, `[x, y]`, in order of x. Points with a non-finite y (or y <= 0 on a log axis) are skipped. */
  readonly points: readonly (readonly [number, number])[];
  /** A CSS colour. @defaultValue one of a fixed palette, by position */
  readonly color?: string;
}

/** A horizontal dashed line, e.g. the held-out data's FID. */
export interface ChartGuide {
  /** The legend's label. */
  readonly label: string;
  /** The line's y value. */
  readonly y: number;
}

/** What {@link lineChartSvg} draws. */
export interface LineChartOptions {
  /** The lines to draw. */
  readonly series: readonly ChartSeries[];
  /** A title above the plot. */
  readonly title?: string;
  /** The x axis's label. */
  readonly xLabel?: string;
  /** The y axis's label. */
  readonly yLabel?: string;
  /** `'log'` for quantities spanning decades (FID). @defaultValue 'linear' */
  readonly yScale?: 'linear' | 'log';
  /** Horizontal dashed lines. */
  readonly guides?: readonly ChartGuide[];
  /** @defaultValue 640 */
  readonly width?: number;
  /** @defaultValue 360 */
  readonly height?: number;
}

const PALETTE = Object.freeze(['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f']);

/**
 * An SVG line chart.
 * @returns the SVG document's text (`<svg …>…</svg>`), to write to a `.svg` file or put in a page.
 * @throws ConfigError when no series has a point to draw.
 * @example
 * ```ts
 * const svg = io.lineChartSvg({ series: [{ label: 'FID', points: [[500, 31], [1000, 12]] }], yScale: 'log', xLabel: 'step' });
 * ```
 */
export function lineChartSvg(options: LineChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const log = options.yScale === 'log';
  const usable = ([x, y]: readonly [number, number]): boolean => Number.isFinite(x) && Number.isFinite(y) && (!log || y > 0);
  const series = options.series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length], points: s.points.filter(usable) }));
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) {
    throw new ConfigError(`lineChartSvg: 'series' must hold at least one point with finite x and y${log ? ' > 0 (log scale)' : ''}, received ${describeValue(options.series.map((s) => s.label))} with none.`);
  }
  const guides = (options.guides ?? []).filter((g) => Number.isFinite(g.y) && (!log || g.y > 0));
  const legendWidth = Math.min(220, 24 + 7 * Math.max(...[...series, ...guides].map((s) => s.label.length)));
  const margin = { left: 64, right: legendWidth + 16, top: options.title ? 36 : 16, bottom: 48 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const xs = all.map(([x]) => x);
  const ys = [...all.map(([, y]) => y), ...guides.map((g) => g.y)];
  const [x0, x1] = padRange(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = log
    ? [10 ** Math.floor(Math.log10(Math.min(...ys))), 10 ** Math.ceil(Math.log10(Math.max(...ys)))].map((v, i, a) => (i === 1 && v === a[0] ? v * 10 : v))
    : padRange(Math.min(...ys), Math.max(...ys));
  const ty = (v: number): number => (log ? (Math.log10(v) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0)) : (v - y0) / (y1 - y0));
  const px = (v: number): string => (margin.left + ((v - x0) / (x1 - x0)) * plotW).toFixed(1);
  const py = (v: number): string => (margin.top + (1 - ty(v)) * plotH).toFixed(1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  if (options.title) parts.push(`<text x="${margin.left}" y="22" font-size="14">${escapeXml(options.title)}</text>`);
  const yTicks = log ? decades(y0, y1) : niceTicks(y0, y1);
  for (const v of yTicks) {
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${py(v)}" y2="${py(v)}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${Number(py(v)) + 4}" text-anchor="end">${formatTick(v)}</text>`);
  }
  for (const v of niceTicks(x0, x1)) {
    parts.push(`<line x1="${px(v)}" x2="${px(v)}" y1="${margin.top + plotH}" y2="${margin.top + plotH + 5}" stroke="#333"/>`);
    parts.push(`<text x="${px(v)}" y="${margin.top + plotH + 18}" text-anchor="middle">${formatTick(v)}</text>`);
  }
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  if (options.xLabel) parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  if (options.yLabel) parts.push(`<text transform="translate(14 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  const legendX = margin.left + plotW + 12;
  series.forEach((s, i) => {
    if (s.points.length > 0) {
      const path = s.points.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(x)},${py(y)}`).join(' ');
      parts.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="1.6"/>`);
      if (s.points.length <= 60) for (const [x, y] of s.points) parts.push(`<circle cx="${px(x)}" cy="${py(y)}" r="2.5" fill="${s.color}"/>`);
    }
    const ly = margin.top + 12 + i * 18;
    parts.push(`<line x1="${legendX}" x2="${legendX + 20}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`);
    parts.push(`<text x="${legendX + 26}" y="${ly + 4}">${escapeXml(s.label)}</text>`);
  });
  guides.forEach((g, i) => {
    const ly = margin.top + 12 + (series.length + i) * 18;
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${py(g.y)}" y2="${py(g.y)}" stroke="#555" stroke-dasharray="5,4"/>`);
    parts.push(`<line x1="${legendX}" x2="${legendX + 20}" y1="${ly}" y2="${ly}" stroke="#555" stroke-dasharray="5,4"/>`);
    parts.push(`<text x="${legendX + 26}" y="${ly + 4}">${escapeXml(g.label)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** A range with room: a single value gets ±1 (or ±10%), so every chart has a width. */
function padRange(low: number, high: number): [number, number] {
  if (high > low) return [low, high];
  const pad = low === 0 ? 1 : Math.abs(low) * 0.1;
  return [low - pad, high + pad];
}

/** About five round ticks within [low, high]. */
function niceTicks(low: number, high: number): number[] {
  const raw = (high - low) / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const ticks: number[] = [];
  for (let v = Math.ceil(low / step - 1e-9) * step; v <= high + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function decades(low: number, high: number): number[] {
  const ticks: number[] = [];
  for (let v = low; v <= high * (1 + 1e-9); v *= 10) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(0) : String(Number(v.toPrecision(4)));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
