/**
 * The fit loop: checks the options and the data, resolves the batch size and the number of steps,
 * runs the preflight, then trains step after step, calling the callbacks with plain numbers, until the
 * steps are done or the signal aborts.
 *
 * @packageDocumentation
 */
import { ConfigError, DataError, ShapeError, describeValue } from '../errors.js';
import { Dataset } from '../data/dataset.js';
import { type PreflightParts, preflight } from './preflight.js';
import type { StepLogs, TrainingContext, TrainingHistory } from './callback.js';
import type { Trainer } from './trainer.js';
import { checkInt, checkPositiveInt } from '../util/validate.js';
import { type FitOptions, checkFitOptions } from './trainer-options.js';
import { yieldToEventLoop } from './yield.js';

/**
 * Runs `trainer.fit(data, options)` (the caller guards against a second fit running alongside).
 * @param preflightParts - the parts the preflight checks (the same objects on every call: it caches by them).
 */
export async function runFit(trainer: Trainer, data: Dataset, options: FitOptions, owner: string, preflightParts: PreflightParts): Promise<TrainingHistory> {
  checkFitOptions(options, owner);
  checkData(trainer, data, owner);
  // The default batch shrinks to a dataset smaller than it (to a multiple of the packing); a batch size
  // given explicitly is checked as given.
  const packing = trainer.discriminator.packing;
  const fallback = Math.max(packing, Math.min(trainer.defaultBatchSize, data.size - (data.size % packing)));
  const batchSize = checkPositiveInt(options.batchSize ?? fallback, 'batchSize', owner);
  if (batchSize > data.size) {
    throw new ConfigError(`${owner}: 'batchSize' must be at most the dataset size ${data.size}, received ${batchSize}.`);
  }
  if (batchSize % trainer.discriminator.packing !== 0) {
    throw new ConfigError(`${owner}: 'batchSize' must be a multiple of the discriminator's packing ${trainer.discriminator.packing} (PacGAN), received ${batchSize}.`);
  }
  if (trainer.modeSeeking?.active === true && batchSize < 2) {
    throw new ConfigError(`${owner}: 'batchSize' must be at least 2 with 'modeSeeking' (it compares the generator's samples in pairs), received ${batchSize}.`);
  }
  const steps = resolveSteps(trainer, options, data, batchSize, owner);
  // Refuse, before the first step, a backend that lacks a kernel or gradient this setup needs.
  await preflight(preflightParts);
  const callbacks = options.callbacks ?? [];
  const startStep = trainer.step;
  const context: TrainingContext = { trainer, data, startStep, endStep: startStep + steps, batchSize };
  const logs: StepLogs[] = [];
  let aborted = false;
  for (const callback of callbacks) await callback.onTrainBegin?.(context);
  while (trainer.step < context.endStep) {
    if (options.signal?.aborted) {
      aborted = true;
      break;
    }
    const stepLogs = await trainer.trainStep(data, batchSize);
    logs.push(stepLogs);
    for (const callback of callbacks) await callback.onStepEnd?.(stepLogs, context);
    await yieldToEventLoop();
  }
  if (options.signal?.aborted && trainer.step < context.endStep) aborted = true;
  const history: TrainingHistory = { logs, aborted };
  for (const callback of callbacks) await callback.onTrainEnd?.(history, context);
  return history;
}

function checkData(trainer: Trainer, data: Dataset, owner: string): void {
  if (!(data instanceof Dataset)) {
    throw new DataError(`${owner}: 'data' must be a Dataset (see datasets.*), received ${describeValue(data)}.`);
  }
  const expected = trainer.discriminator.inputShape;
  const received = data.sampleShape;
  if (received.length !== expected.length || received.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      `${owner}: the data's sample shape must match the discriminator's input shape ${describeValue(expected)}, received ${describeValue(received)} (dataset ${describeValue(data.name)}).`,
    );
  }
  if (trainer.sampling !== 'shuffle' && data.labels === undefined) {
    throw new DataError(
      `${owner}: 'sampling' is '${trainer.sampling}' but the dataset ${describeValue(data.name)} has no labels to draw by class. Expected a labelled dataset, or 'sampling: 'shuffle''.`,
    );
  }
  const numClasses = Math.max(trainer.generator.numClasses, trainer.discriminator.numClasses);
  if (numClasses > 0) {
    if (data.labels === undefined) {
      throw new DataError(
        `${owner}: the networks are conditional (numClasses ${numClasses}) but the dataset ${describeValue(data.name)} has no labels. Expected a labelled dataset (e.g. datasets.mnist(), or labels passed to Dataset.fromTensors).`,
      );
    }
    if (data.numClasses > numClasses) {
      throw new DataError(
        `${owner}: the dataset has ${data.numClasses} classes but the networks were built for ${numClasses} ('numClasses').`,
      );
    }
    // Samples can then be asked for by class name; names that disagree with the data's are an error.
    if (trainer.generator.conditional && data.classNames !== undefined && data.classNames.length === trainer.generator.numClasses) {
      trainer.generator.adoptClassNames(data.classNames);
      trainer.ema?.generator.adoptClassNames(data.classNames);
    }
  }
}

function resolveSteps(trainer: Trainer, options: FitOptions, data: Dataset, batchSize: number, owner: string): number {
  if (options.steps !== undefined && options.epochs !== undefined) {
    throw new ConfigError(`${owner}: give 'steps' or 'epochs', not both; received steps ${options.steps} and epochs ${options.epochs}.`);
  }
  if (options.steps !== undefined) return checkInt(options.steps, 'steps', owner, 0);
  if (options.epochs !== undefined) {
    const epochs = checkInt(options.epochs, 'epochs', owner, 0);
    return Math.floor((epochs * data.batchesPerEpoch(batchSize)) / trainer.discriminatorSteps);
  }
  throw new ConfigError(`${owner}: give 'steps' (generator steps) or 'epochs', received neither.`);
}
