/**
 * `npm run fuzz:kernels`: differential fuzzing of every kernel tfjs-gan patches, against tfjs's cpu kernels
 * (and tfjs's own wasm kernels, whose defects that tfjs-gan works around are counted apart). Each thread
 * count runs in its own process (the wasm backend's thread count is fixed once it starts); with more than
 * one thread every kernel is split among the threads, however small.
 *
 *   npm run fuzz:kernels                                  # 2,000 cases with each of 1, 2 and 3 threads
 *   npm run fuzz:kernels -- --cases 500 --threads 2 --seed 7
 *
 * Exits 1 when any case differs, printing the shrunk case (fast-check) and how to replay it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { useBackend } from '../src/backend/index.js';
import { setSimdSplitThreshold } from '../src/backend/simd/simd-module.js';
import { type FuzzReport, fuzzKernels } from '../test/backend/fuzz/fuzz-kernels.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '2000' },
    threads: { type: 'string', default: '1,2,3' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    child: { type: 'boolean', default: false },
  },
});
const cases = Number(values.cases);
const seed = Number(values.seed);
const threadCounts = values.threads.split(',').map(Number);
if (!Number.isInteger(cases) || cases < 1) throw new Error(`--cases must be a positive integer; received ${values.cases}`);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer; received ${values.seed}`);
if (threadCounts.some((t) => !Number.isInteger(t) || t < 1 || t > 8)) throw new Error(`--threads must list integers 1 to 8; received ${values.threads}`);

if (values.child) {
  // One thread count in this process: print the report as JSON on the last line.
  const threads = threadCounts[0];
  await useBackend('cpu');
  await useBackend('wasm', { threads });
  if (threads > 1) setSimdSplitThreshold(0);
  const report = fuzzKernels(cases, seed);
  console.log(JSON.stringify(report));
} else {
  let total = 0;
  let mismatches = 0;
  const started = Date.now();
  for (const threads of threadCounts) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--child', '--cases', String(cases), '--threads', String(threads), '--seed', String(seed + threads)],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const lastLine = child.stdout.trim().split('\n').at(-1) ?? '';
    if (child.status !== 0 || !lastLine.startsWith('{')) {
      console.error(`threads ${threads}: the fuzzing process failed (exit ${child.status}, signal ${child.signal})\n${child.stderr.slice(-4000)}`);
      process.exit(1);
    }
    const report = JSON.parse(lastLine) as FuzzReport;
    total += report.total;
    mismatches += report.mismatches.length;
    const perKernel = Object.entries(report.cases).map(([kernel, n]) => `${kernel} ${n}`).join(', ');
    console.log(`threads ${threads} (seed ${seed + threads}): ${report.total} cases, ${report.mismatches.length} mismatches [${perKernel}]`);
    for (const line of report.mismatches) console.log(`  MISMATCH ${line}`);
    for (const [kernel, defect] of Object.entries(report.shippedDefects)) {
      console.log(`  tfjs's shipped wasm ${kernel} is wrong in ${defect.count} cases that tfjs-gan's kernel gets right, e.g. ${defect.example.slice(0, 300)}`);
    }
  }
  console.log(`fuzz:kernels: ${total} cases, ${mismatches} mismatches, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (mismatches > 0) {
    console.log(`replay: npm run fuzz:kernels -- --cases ${cases} --threads <n> --seed ${seed}`);
    process.exit(1);
  }
}
