/**
 * The networks and trainer settings the demo uses per dataset: small enough to train live in a page.
 */
import * as tf from '@tensorflow/tfjs';
import { type Dataset, Discriminator, Generator, Trainer, datasets, recipes } from 'tfjs-gan';
import type { DatasetChoice } from './protocol.js';

/** Batch size per dataset. */
export const BATCH_SIZE: Readonly<Record<DatasetChoice, number>> = { mnist: recipes.RECIPES.mnist.batchSize, ring: 128, grid: 128, files: 16 };

/** Loads the chosen dataset (user files are resized to 32x32, center-cropped). */
export async function loadDataset(choice: DatasetChoice, files?: readonly File[]): Promise<Dataset> {
  switch (choice) {
    case 'mnist':
      return datasets.mnist();
    case 'ring':
    case 'grid':
      return datasets.toy2d(choice, { count: 2000, seed: 1 });
    case 'files':
      if (files === undefined || files.length === 0) throw new Error('Pick a folder or some images first.');
      return datasets.fromFiles(files, { size: [32, 32], crop: 'center' });
  }
}

/** A fresh trainer for the dataset: a conditional DCGAN for labelled images, an MLP pair for 2-D points. */
export function createTrainer(data: Dataset): Trainer {
  if (data.sampleShape.length === 1) {
    const generator = Generator.mlp({ outputShape: [2], latentDim: 8, seed: 1 });
    const discriminator = Discriminator.mlp({ inputShape: [2], seed: 2 });
    return new Trainer({
      generator,
      discriminator,
      generatorOptimizer: tf.train.adam(1e-3, 0.5, 0.999),
      discriminatorOptimizer: tf.train.adam(1e-3, 0.5, 0.999),
      seed: 1,
    });
  }
  // Labelled digits: the recipe of the repository's main example (examples/mnist-dcgan.ts).
  if (data.name === 'mnist') return recipes.mnist().buildTrainer(data);
  // Other images: a DCGAN with class-conditional batch norm in the generator and an auxiliary classifier
  // in the discriminator (ACGAN) when labelled.
  const imageShape = data.sampleShape as [number, number, number];
  const conditional = data.numClasses > 1;
  const generator = Generator.dcgan({
    imageShape,
    latentDim: 64,
    seed: 1,
    ...(conditional ? { numClasses: data.numClasses, conditioning: 'cbn' as const, classNames: data.classNames } : {}),
  });
  const discriminator = Discriminator.dcgan({
    imageShape,
    seed: 2,
    ...(conditional ? { numClasses: data.numClasses, conditioning: 'acgan' as const } : {}),
  });
  return new Trainer({
    generator,
    discriminator,
    loss: 'non-saturating',
    generatorOptimizer: tf.train.adam(5e-4, 0.5, 0.999),
    discriminatorOptimizer: tf.train.adam(5e-4, 0.5, 0.999),
    seed: 42,
  });
}
