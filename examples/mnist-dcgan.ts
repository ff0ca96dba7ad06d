/**
 * Trains the conditional MNIST recipe (`recipes.mnist()`: a class-conditional DCGAN pair, hinge loss,
 * spectral norm, a projection discriminator, an EMA generator and a learning-rate decay) on the 8,000
 * real digits that the shipped extractor trained on, scores it against the 2,000 held-out digits and
 * writes a grid of generated digits, one row per digit. Run it with `npm start` (or
 * `npx tsx examples/mnist-dcgan.ts`); docs/recipes.md gives its time and scores on two CPU cores.
 *
 * Environment knobs: STEPS (default: the recipe's), BACKEND (default: the fastest available), OUT (runs/mnist).
 */
import { callbacks, io, recipes, useBackend, useDefaultBackend } from 'tfjs-gan';
import type { BackendName } from 'tfjs-gan';

const out = process.env.OUT ?? 'runs/mnist';

// 1. A backend: the native one when @tensorflow/tfjs-node is installed, else WebAssembly.
const backend = process.env.BACKEND ? await useBackend(process.env.BACKEND as BackendName) : await useDefaultBackend();
console.log(`backend: ${backend}`);

// 2. The recipe, with a different run length when STEPS is set (its schedule follows).
const recipe = process.env.STEPS ? recipes.mnist({ steps: Number(process.env.STEPS) }) : recipes.mnist();
console.log(`recipe ${recipe.name}: ${recipe.config.description}, ${recipe.config.steps} steps of batch ${recipe.config.batchSize}`);

// 3. Training in one call: the recipe loads its data, builds the networks and trainer, and fits.
const run = await recipe.train({
  callbacks: [
    callbacks.progress(),
    callbacks.sampleGrid({ every: 500, dir: `${out}/samples` }),
    callbacks.metricsLog({ path: `${out}/metrics.jsonl` }),
  ],
});
const { trainer } = run;
console.log(`trained ${trainer.step} steps in ${run.seconds.toFixed(0)} s (${(trainer.step / run.seconds).toFixed(1)} steps/s)`);

// 4. Scores against the 2,000 held-out digits: FID (and the held-out digits' own FID, the floor) and the
//    share of samples that the shipped classifier reads as the digit asked for.
const score = await recipe.score(trainer.samplingGenerator);
console.log(
  `held-out FID ${score.fid.toFixed(2)} (real digits: ${score.floorFid.toFixed(2)}, ratio ${score.fidRatio.toFixed(2)}); ` +
    `class accuracy ${score.classAccuracy!.toFixed(4)} (the classifier on real digits: ${score.extractorAccuracy})`,
);

// 5. Sampling from the EMA generator: 8 samples of every digit (a row per digit), written as a PNG grid;
//    then the whole training state as a checkpoint (resume with Trainer.load or `tfjs-gan train --resume`).
const images = trainer.samplingGenerator.sample({ count: 8, labels: 'all', seed: 1 });
await io.saveImageGrid(images, `${out}/digits.png`, { columns: 8 });
images.dispose();
await trainer.save(`file://${out}`);
console.log(`wrote ${out}/digits.png and the checkpoint ${out}/gan.json`);
run.dispose();
