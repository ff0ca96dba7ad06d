import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, describeValue, io } from '../index.js';
import { type FlagSpec, helpText, parseFlags, wantsHelp } from './args.js';

/** The flags of `tfjs-gan plot`. */
export const PLOT_FLAGS: Readonly<Record<string, FlagSpec>> = Object.freeze({
  run: { type: 'string', help: 'run directory (its metrics.jsonl, written by tfjs-gan train)', default: 'runs/latest' },
  out: { type: 'string', help: 'SVG file to write (default: <run>/plot.svg)' },
  smooth: { type: 'number', integer: true, min: 1, help: 'average the losses and scores over this many steps (default: about 1% of the run)' },
});

const SUMMARY =
  "Draws a run's metrics.jsonl as an SVG image: the losses, the discriminator's scores of real and generated samples, " +
  'and each evaluated metric (FID, KID, precision/recall, class accuracy, ...) against the step.';

/** One line of metrics.jsonl: a step's logs, or (`type: 'metrics'`) an evaluation. */
type LogLine = Record<string, unknown> & { step: number; type?: string };

/** Runs `tfjs-gan plot`. */
export async function plotCommand(argv: readonly string[], write: (text: string) => void): Promise<void> {
  if (wantsHelp(argv)) {
    write(helpText('plot', SUMMARY, PLOT_FLAGS));
    return;
  }
  const flags = parseFlags(argv, PLOT_FLAGS, 'plot');
  const run = String(flags.run);
  const path = join(run, 'metrics.jsonl');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new DataError(`tfjs-gan plot: cannot read ${describeValue(path)} (${(cause as Error).message}); expected the run directory of tfjs-gan train in '--run'.`, { cause });
  }
  const { steps, evaluations } = parseLog(text, path);
  const charts = runCharts(steps, evaluations, flags.smooth as number | undefined);
  const out = String(flags.out ?? join(run, 'plot.svg'));
  await writeFile(out, stackCharts(charts));
  write(`wrote ${charts.length} chart${charts.length === 1 ? '' : 's'} of ${steps.length} steps and ${evaluations.length} evaluations to ${out}\n`);
}

/** The lines of metrics.jsonl; a torn last line (a killed run) is skipped, a bad line elsewhere is an error. */
export function parseLog(text: string, path: string): { steps: LogLine[]; evaluations: LogLine[] } {
  const lines = text.split('\n').filter((line) => line.trim().length > 0);
  const steps: LogLine[] = [];
  const evaluations: LogLine[] = [];
  lines.forEach((line, i) => {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return; // the run was killed while writing it
      throw new DataError(`tfjs-gan plot: line ${i + 1} of ${path} is not JSON: ${describeValue(line.slice(0, 80))}.`);
    }
    const entry = record as LogLine;
    if (entry === null || typeof entry !== 'object' || typeof entry.step !== 'number') {
      throw new DataError(`tfjs-gan plot: line ${i + 1} of ${path} has no 'step': ${describeValue(line.slice(0, 80))}.`);
    }
    (entry.type === 'metrics' ? evaluations : steps).push(entry);
  });
  if (steps.length === 0 && evaluations.length === 0) throw new DataError(`tfjs-gan plot: ${path} holds no step; train first.`);
  return { steps, evaluations };
}

/** The charts of a run: losses, scores, then one per evaluated metric. */
export function runCharts(steps: readonly LogLine[], evaluations: readonly LogLine[], smooth?: number): string[] {
  const window = smooth ?? Math.max(1, Math.round(steps.length / 100));
  const series = (keys: readonly [string, string][]): io.ChartSeries[] =>
    keys
      .map(([key, label]) => ({ label, points: movingAverage(steps.map((s) => [s.step, Number(s[key])] as [number, number]), window) }))
      .filter((s) => s.points.some(([, y]) => Number.isFinite(y)));
  const penaltyNames = [...new Set(steps.flatMap((s) => Object.keys((s.penalties as Record<string, number> | undefined) ?? {})))];
  const penaltySeries: io.ChartSeries[] = penaltyNames.map((name) => ({
    label: `penalty ${name}`,
    points: movingAverage(steps.map((s) => [s.step, Number((s.penalties as Record<string, number>)[name])] as [number, number]), window),
  }));
  const charts: string[] = [];
  const smoothed = window > 1 ? ` (mean of ${window} steps)` : '';
  const losses = [...series([['dLoss', 'discriminator'], ['gLoss', 'generator'], ['dClassLoss', 'D class loss'], ['gClassLoss', 'G class loss']]), ...penaltySeries];
  if (losses.length > 0) charts.push(io.lineChartSvg({ title: `losses${smoothed}`, series: losses, xLabel: 'step', yLabel: 'loss' }));
  const scores = series([['realScore', 'D(real)'], ['fakeScore', 'D(generated)']]);
  if (scores.length > 0) charts.push(io.lineChartSvg({ title: `discriminator scores${smoothed}`, series: scores, xLabel: 'step', yLabel: 'mean logit' }));
  // With --mode-seeking: the generator pairs' image-to-latent distance ratio (towards 0: collapsing).
  const ratio = series([['modeSeekingRatio', 'mode-seeking ratio']]);
  if (ratio.length > 0) charts.push(io.lineChartSvg({ title: `mode-seeking ratio${smoothed}`, series: ratio, xLabel: 'step', yLabel: 'image / latent distance' }));
  const metricKeys = [...new Set(evaluations.flatMap((e) => Object.keys(e)))].filter(
    (key) => !['step', 'type', 'time', 'seconds'].includes(key) && !key.endsWith('Std') && evaluations.some((e) => typeof e[key] === 'number'),
  );
  for (const key of metricKeys) {
    const points = evaluations.map((e) => [e.step, Number(e[key])] as [number, number]);
    const log = /fid/i.test(key) && points.every(([, y]) => !(y <= 0));
    charts.push(io.lineChartSvg({ title: key, series: [{ label: key, points }], xLabel: 'step', yLabel: log ? `${key} (log)` : key, yScale: log ? 'log' : 'linear' }));
  }
  return charts;
}

/** Means over a trailing window, so that noisy per-step losses read as curves. */
function movingAverage(points: readonly [number, number][], window: number): [number, number][] {
  if (window <= 1) return [...points];
  const out: [number, number][] = [];
  let sum = 0;
  let count = 0;
  const finite = points.filter(([, y]) => Number.isFinite(y));
  finite.forEach(([x, y], i) => {
    sum += y;
    count += 1;
    if (i >= window) {
      sum -= finite[i - window][1];
      count -= 1;
    }
    if (i % Math.max(1, Math.floor(window / 4)) === 0 || i === finite.length - 1) out.push([x, sum / count]);
  });
  return out;
}

/** The charts one under the other in one SVG image. */
function stackCharts(charts: readonly string[]): string {
  const height = 360;
  const inner = charts.map((svg, i) => svg.replace('<svg ', `<svg y="${i * height}" `)).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="${charts.length * height}">\n${inner}</svg>\n`;
}
