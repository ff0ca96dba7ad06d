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

interface Point {
  seconds: number;
  fid: number;
  floorFid?: number;
}

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args.splice(i, 2)[1];
};
const out = option('out') ?? 'curve.svg';
const title = option('title') ?? 'FID against training time';
const floorOption = option('floor');
const series = args.map((spec) => {
  const [label, rest] = spec.split('=');
  const [file, key] = rest.split(':');
  const points = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Point[]>)[key];
  if (!Array.isArray(points) || points.length === 0) throw new Error(`${file} has no points under '${key}'`);
  return { label, points };
});
const floor = floorOption !== undefined ? Number(floorOption) : series.flatMap((s) => s.points).find((p) => p.floorFid !== undefined)?.floorFid;

const width = 640;
const height = 360;
const margin = { left: 64, right: 150, top: 36, bottom: 48 };
const plotW = width - margin.left - margin.right;
const plotH = height - margin.top - margin.bottom;
const all = series.flatMap((s) => s.points);
const maxX = Math.max(...all.map((p) => p.seconds));
const fids = [...all.map((p) => p.fid), ...(floor !== undefined ? [floor] : [])];
const minY = Math.pow(10, Math.floor(Math.log10(Math.min(...fids))));
const maxY = Math.pow(10, Math.ceil(Math.log10(Math.max(...fids))));
const x = (s: number): number => margin.left + (s / maxX) * plotW;
const y = (fid: number): number => margin.top + (1 - (Math.log10(fid) - Math.log10(minY)) / (Math.log10(maxY) - Math.log10(minY))) * plotH;
const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

const parts: string[] = [];
parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`);
parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
parts.push(`<text x="${margin.left}" y="20" font-size="14">${escape(title)}</text>`);
// Axes, ticks and grid: decades on y, about 6 steps on x.
for (let decade = minY; decade <= maxY; decade *= 10) {
  parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y(decade)}" y2="${y(decade)}" stroke="#ddd"/>`);
  parts.push(`<text x="${margin.left - 6}" y="${y(decade) + 4}" text-anchor="end">${decade}</text>`);
}
const stepX = niceStep(maxX / 6);
for (let s = 0; s <= maxX + 1e-9; s += stepX) {
  parts.push(`<line x1="${x(s)}" x2="${x(s)}" y1="${margin.top + plotH}" y2="${margin.top + plotH + 5}" stroke="#333"/>`);
  parts.push(`<text x="${x(s)}" y="${margin.top + plotH + 18}" text-anchor="middle">${s}</text>`);
}
parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 10}" text-anchor="middle">training seconds (2 CPU cores)</text>`);
parts.push(`<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">held-out FID (log)</text>`);
series.forEach((s, i) => {
  const color = colors[i % colors.length];
  const path = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p.seconds).toFixed(1)},${y(p.fid).toFixed(1)}`).join(' ');
  parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
  for (const p of s.points) parts.push(`<circle cx="${x(p.seconds).toFixed(1)}" cy="${y(p.fid).toFixed(1)}" r="2.5" fill="${color}"/>`);
  const ly = margin.top + 12 + i * 18;
  parts.push(`<line x1="${margin.left + plotW + 12}" x2="${margin.left + plotW + 32}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
  parts.push(`<text x="${margin.left + plotW + 38}" y="${ly + 4}">${escape(s.label)}</text>`);
});
if (floor !== undefined) {
  parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y(floor)}" y2="${y(floor)}" stroke="#555" stroke-dasharray="5,4"/>`);
  const ly = margin.top + 12 + series.length * 18;
  parts.push(`<line x1="${margin.left + plotW + 12}" x2="${margin.left + plotW + 32}" y1="${ly}" y2="${ly}" stroke="#555" stroke-dasharray="5,4"/>`);
  parts.push(`<text x="${margin.left + plotW + 38}" y="${ly + 4}">held-out real (${floor.toFixed(2)})</text>`);
}
parts.push('</svg>');
writeFileSync(out, `${parts.join('\n')}\n`);
console.log(`wrote ${out}`);

function niceStep(raw: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
