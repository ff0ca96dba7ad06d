/**
 * Draws FID-against-time curves as an SVG line chart (log-scale FID, the held-out floor as a dashed
 * line), for docs/recipes.md: one series per input.
 *
 *   npx tsx scripts/plot-curves.ts --out docs/images/mnist-curve.svg --title "..." \
 *     "tfjs-gan=src/nets/pretrained/mnist.json:curve" "PyTorch=bench/results/quality-....json:pytorch"
 *
 * Each series is `label=file.json:key`: `key` names an array of points `{ seconds, fid }` in the file
 * (`curve` of a pretrained record; `tfjsGan` or `pytorch` of a bench:quality result). `--floor N` draws
 * the floor (default: the first point's `floorFid` when the points have one).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { io } from '../src/index.js';
import { commandLine } from './script-flags.js';

interface Point {
  seconds: number;
  fid: number;
  floorFid?: number;
}

const line = commandLine('scripts/plot-curves.ts', { values: ['out', 'title', 'floor'], positionals: { usage: 'LABEL=FILE.json:KEY ...', min: 1 } });
const out = line.values.out ?? 'curve.svg';
const title = line.values.title ?? 'FID against training time';
const floorOption = line.values.floor;
const series = line.positionals.map((spec) => {
  const match = /^([^=]+)=(.+):([^:]+)$/.exec(spec);
  if (match === null) throw new Error(`scripts/plot-curves.ts: each series must be LABEL=FILE.json:KEY, received '${spec}'`);
  const [, label, file, key] = match;
  const points = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Point[]>)[key];
  if (!Array.isArray(points) || points.length === 0) throw new Error(`${file} has no points under '${key}'`);
  return { label, points };
});
const floor = floorOption !== undefined ? Number(floorOption) : series.flatMap((s) => s.points).find((p) => p.floorFid !== undefined)?.floorFid;

const svg = io.lineChartSvg({
  title,
  series: series.map((s) => ({ label: s.label, points: s.points.map((p) => [p.seconds, p.fid] as [number, number]) })),
  xLabel: 'training seconds (2 CPU cores)',
  yLabel: 'held-out FID (log)',
  yScale: 'log',
  guides: floor !== undefined ? [{ label: `held-out real (${floor.toFixed(2)})`, y: floor }] : [],
});
writeFileSync(out, svg);
console.log(`wrote ${out}`);
