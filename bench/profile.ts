/**
 * `npm run bench:profile`: where a training step's time goes, kernel by kernel. Profiles a few Trainer
 * steps of each preset with `tf.profile` on one backend and prints, per kernel: calls per step,
 * milliseconds per step, share of the step, and for convolutions and matrix products the GFLOP/s they
 * reach (FLOPs from the operands' shapes). The rest of the step (JavaScript, the tape, reading the
 * losses) is the row "outside kernels".
 *
 *     npm run bench:profile -- [--backend wasm] [--threads 1] [--presets reference,default,mlp] [--steps 3]
 *
 * Writes the table as JSON to bench/results/.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { type BackendName, useBackend } from '../src/backend/index.js';
import { benchFlags } from './args.js';
import { presetsFromList } from './presets.js';
import { type KernelRow, kernelTable, profileTrainerSteps } from './kernel-profile.js';
import { fakeData, handLoopTrainer } from './setup.js';

const { flag } = benchFlags('bench/profile.ts', { values: ['backend', 'threads', 'steps', 'presets'] });

const backend = (flag('backend') ?? 'wasm') as BackendName;
const threads = Number(flag('threads') ?? 1);
const steps = Number(flag('steps') ?? 3);
const presets = presetsFromList(flag('presets') ?? 'reference,default,mlp');

await useBackend(backend, backend === 'wasm' ? { threads } : {});
const results: Array<{ preset: string; stepMs: number; rows: KernelRow[] }> = [];
for (const preset of presets) {
  const { generator, discriminator } = preset.build();
  const data = fakeData(preset, generator.outputShape, 'profile');
  const trainer = handLoopTrainer(generator, discriminator);
  for (let i = 0; i < 2; i++) await trainer.trainStep(data, preset.batchSize);
  const { stepMs, rows } = await profileTrainerSteps(trainer, data, preset.batchSize, steps);
  results.push({ preset: preset.name, stepMs, rows });
  console.log(`\n${preset.name} on ${backend}${backend === 'wasm' ? ` x${threads}` : ''}: ${stepMs.toFixed(1)} ms/step (profiled)`);
  console.log(kernelTable(rows));
  [trainer, generator, discriminator, data].forEach((x) => x.dispose());
}
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/profile-${backend}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify({ backend, threads, steps, results }, null, 1));
console.log(`\nwrote ${file}`);
