/**
 * Trains the MLP GAN on the two classic 2-D mixtures, the ring of 8 Gaussians and the 5x5 grid of 25,
 * and prints how many modes the generator covers. Run it with `npm run example:toy2d`.
 *
 * Everything is at its defaults: for vector data the Trainer uses Adam(1e-3, 0, 0.99), batch 256 and an EMA
 * generator (`VECTOR_TRAINER_DEFAULTS`). `npm run bench:modes` compares stronger configurations.
 *
 * Environment knobs: STEPS (default 4000 for the ring, 8000 for the grid), BACKEND, OUT (runs/toy-2d).
 */
import { Discriminator, Generator, Trainer, callbacks, datasets, useBackend, useDefaultBackend } from 'tfjs-gan';
import type { BackendName } from 'tfjs-gan';

const backend = process.env.BACKEND ? await useBackend(process.env.BACKEND as BackendName) : await useDefaultBackend();
console.log(`backend: ${backend}`);
const out = process.env.OUT ?? 'runs/toy-2d';

for (const [name, defaultSteps] of [['ring', 4000], ['grid', 8000]] as const) {
  // Data: 10,000 points of the mixture (not rescaled: the ring has radius 1, the grid spans [-4, 4]).
  const data = await datasets.toy2d(name, { seed: 1 });
  // Networks: the MLP pair with its defaults.
  const generator = Generator.mlp({ outputShape: [2], seed: 1 });
  const discriminator = Discriminator.mlp({ inputShape: [2], seed: 2 });
  const trainer = new Trainer({ generator, discriminator, seed: 1 });
  await trainer.fit(data, { steps: Number(process.env.STEPS ?? defaultSteps), callbacks: [callbacks.progress()] });
  // Evaluation: 2,500 samples of the averaged generator against the mixture's modes.
  const samples = trainer.samplingGenerator.sample({ count: 2500, seed: 7 });
  const coverage = datasets.modeCoverage((await samples.data()) as Float32Array, name);
  samples.dispose();
  console.log(
    `${name}: ${coverage.modesCovered}/${coverage.numModes} modes, ${(100 * coverage.highQualityFraction).toFixed(1)}% high quality, reverse KL ${coverage.reverseKL.toFixed(3)}`,
  );
  await trainer.save(`file://${out}/${name}`);
  [generator, discriminator, trainer, data].forEach((x) => x.dispose());
}
