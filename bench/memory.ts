/**
 * `npm run bench:memory`: a long run that watches memory. Trains a preset for many steps (10,000 by
 * default) with the whole Trainer in use (EMA generator, a lazy R1 penalty, a learning-rate schedule, a
 * checkpoint every 2,500 steps) and records, every 500 steps, the tfjs tensor count and bytes and the
 * process's resident set size (RSS). Passes when the tensor count is the same at every record and the
 * RSS at the end is within 10% of its value at step 500.
 *
 *     npm run bench:memory -- [--preset mlp|default] [--steps 10000] [--every 500] [--threads 1]
 *
 * Writes the records as JSON to bench/results/.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../src/backend/index.js';
import { Dataset } from '../src/data/dataset.js';
import { r1 } from '../src/losses/penalties/index.js';
import { checkpoint, learningRateSchedule } from '../src/train/callbacks/index.js';
import { Trainer } from '../src/train/trainer.js';
import { benchFlags } from './args.js';
import { presetsFromList } from './presets.js';

const { flag } = benchFlags('bench/memory.ts', { values: ['preset', 'steps', 'every', 'threads'] });

const [preset] = presetsFromList(flag('preset') ?? 'mlp', ['mlp', 'default']);
const steps = Number(flag('steps') ?? 10_000);
const every = Number(flag('every') ?? 500);
const threads = Number(flag('threads') ?? 1);

interface MemoryRecord {
  step: number;
  numTensors: number;
  tfMiB: number;
  rssMiB: number;
  heapMiB: number;
  secondsPerStep: number;
}

await useBackend('wasm', { threads });
const { generator, discriminator } = preset.build();
const shape = generator.outputShape;
const images = tf.tidy(() => tf.clipByValue(tf.randomNormal([2048, ...shape], 0, 0.5, 'float32', 1), -1, 1));
const data = Dataset.fromTensors(images, undefined, { name: 'memory-bench', checkRange: shape.length === 3 });
images.dispose();
const trainer = new Trainer({
  generator,
  discriminator,
  penalties: [r1({ gamma: 1, every: 4 })],
  ema: { decay: 0.999 },
  seed: 1,
});
const dir = mkdtempSync(join(tmpdir(), 'tfjs-gan-memory-'));
const records: MemoryRecord[] = [];
let last = performance.now();
const watch = {
  onStepEnd: (logs: { step: number }) => {
    if (logs.step % every !== 0) return;
    const now = performance.now();
    const memory = process.memoryUsage();
    const record = {
      step: logs.step,
      numTensors: tf.memory().numTensors,
      tfMiB: tf.memory().numBytes / 2 ** 20,
      rssMiB: memory.rss / 2 ** 20,
      heapMiB: memory.heapUsed / 2 ** 20,
      secondsPerStep: (now - last) / 1000 / every,
    };
    last = now;
    records.push(record);
    console.log(
      `step ${String(record.step).padStart(6)}  tensors ${record.numTensors}  tf ${record.tfMiB.toFixed(1)} MiB  ` +
        `RSS ${record.rssMiB.toFixed(0)} MiB  heap ${record.heapMiB.toFixed(0)} MiB  ${(1 / record.secondsPerStep).toFixed(1)} steps/s`,
    );
  },
};
console.log(`memory bench: ${preset.name}, ${steps} steps, batch ${preset.batchSize}, wasm x${threads}, EMA, lazy R1, LR schedule, checkpoints`);
await trainer.fit(data, {
  steps,
  batchSize: preset.batchSize,
  callbacks: [
    learningRateSchedule({ schedule: (step) => (step < steps / 2 ? 1 : 0.5) }),
    checkpoint({ every: 2500, dir }),
    watch,
  ],
});
rmSync(dir, { recursive: true, force: true });

const reference = records.find((r) => r.step === 500) ?? records[0];
const end = records.at(-1)!;
const flat = records.every((r) => r.numTensors === reference.numTensors);
const rssGrowth = end.rssMiB / reference.rssMiB - 1;
console.log(
  `\ntensor count ${flat ? 'flat' : 'NOT flat'} (${reference.numTensors} at step ${reference.step}, ${end.numTensors} at step ${end.step}); ` +
    `RSS ${reference.rssMiB.toFixed(0)} MiB at step ${reference.step}, ${end.rssMiB.toFixed(0)} MiB at step ${end.step} ` +
    `(${(100 * rssGrowth).toFixed(1)}%: ${Math.abs(rssGrowth) <= 0.1 ? 'within' : 'OUTSIDE'} 10%)`,
);
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/memory-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify({ preset: preset.name, steps, threads, records, flat, rssGrowth }, null, 1));
console.log(`wrote ${file}`);
[trainer, generator, discriminator, data].forEach((x) => x.dispose());
process.exitCode = flat && Math.abs(rssGrowth) <= 0.1 ? 0 : 1;
