/**
 * The Trainer refuses what it would otherwise ignore or trip over: unknown option names (with the close
 * known name), values of the wrong kind (ConfigError naming option, expected and received, never a raw
 * TypeError), callback options, and a second `fit` of the same trainer while one runs.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { checkpoint } from '../../src/train/callbacks/checkpoint.js';
import { learningRateSchedule } from '../../src/train/callbacks/learning-rate-schedule.js';
import { metric } from '../../src/train/callbacks/metric.js';
import { metricsLog } from '../../src/train/callbacks/metrics-log.js';
import { progress } from '../../src/train/callbacks/progress.js';
import { sampleGrid } from '../../src/train/callbacks/sample-grid.js';
import { Trainer, type TrainerConfig } from '../../src/train/trainer.js';
import { switchBackend } from '../helpers/backends.js';
import { disposeAll } from '../helpers/trainers.js';

const nets = (): Pick<TrainerConfig, 'generator' | 'discriminator'> => ({
  generator: Generator.mlp({ outputShape: [2], latentDim: 2, hiddenUnits: [4], seed: 1 }),
  discriminator: Discriminator.mlp({ inputShape: [2], hiddenUnits: [4], seed: 2 }),
});

/** The error `run` throws (or its promise rejects with). */
async function errorOf(run: () => unknown): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, none was thrown');
}

/** Asserts a ConfigError whose message matches every pattern. */
async function expectConfigError(run: () => unknown, ...patterns: RegExp[]): Promise<void> {
  const error = await errorOf(run);
  expect(error).toBeInstanceOf(ConfigError);
  for (const pattern of patterns) expect(error.message).toMatch(pattern);
}

describe('Trainer and fit options', () => {
  let data: Dataset;
  let trainer: Trainer;
  beforeAll(async () => {
    await switchBackend('cpu');
    data = Dataset.fromTensors(tf.randomUniform([32, 2], -1, 1, 'float32', 1), undefined, { name: 'points' });
    trainer = new Trainer({ ...nets(), seed: 1 });
  });
  afterAll(() => {
    disposeAll(trainer);
    data.dispose();
    tf.disposeVariables();
  });

  it('refuses unknown Trainer options, naming the key and the close known name', async () => {
    await expectConfigError(() => new Trainer({ ...nets(), generatorLearningrate: 5 } as never), /Trainer: unknown option 'generatorLearningrate'\. Did you mean 'generatorLearningRate'\?/);
    await expectConfigError(() => new Trainer({ ...nets(), emma: { decay: 0.9 } } as never), /unknown option 'emma'\. Did you mean 'ema'\?/, /Expected one of \[.*"ema".*\]/);
    await expectConfigError(() => new Trainer({ ...nets(), ema: { decay: 0.9, startstep: 1 } } as never), /unknown option 'ema\.startstep'\. Did you mean 'ema\.startStep'\?/);
    // No close name: the known ones are listed, no guess.
    const error = await errorOf(() => new Trainer({ ...nets(), flavour: 'vanilla' } as never));
    expect(error.message).toMatch(/unknown option 'flavour'\. Expected one of/);
    expect(error.message).not.toMatch(/Did you mean/);
  });

  it('refuses values of the wrong kind with ConfigErrors, not TypeErrors', async () => {
    await expectConfigError(() => new Trainer({ ...nets(), penalties: 5 } as never), /'penalties' must be an array of penalties .*, received 5/);
    await expectConfigError(() => new Trainer({ ...nets(), generatorOptimizer: { foo: 1 } } as never), /'generatorOptimizer' must be a tf\.Optimizer .*, received \{"foo":1\}/);
    await expectConfigError(() => new Trainer({ ...nets(), discriminatorOptimizer: 'adam' } as never), /'discriminatorOptimizer' must be a tf\.Optimizer .*, received "adam"/);
    await expectConfigError(() => new Trainer({ ...nets(), ema: 0.999 } as never), /'ema' must be an object \{ decay, startStep\? \} or false, received 0\.999/);
    await expectConfigError(() => new Trainer({ ...nets(), progressive: 3 } as never), /'progressive' must be a progressive schedule .*, received 3/);
    await expectConfigError(() => new Trainer(null as never), /config must be an object .*, received null/);
  });

  it('refuses unknown fit options and bad callbacks, before training', async () => {
    await expectConfigError(() => trainer.fit(data, { steps: 1, batchsize: 8 } as never), /Trainer\.fit: unknown option 'batchsize'\. Did you mean 'batchSize'\?/);
    await expectConfigError(() => trainer.fit(data, { step: 1 } as never), /unknown option 'step'\. Did you mean 'steps'\?/);
    await expectConfigError(() => trainer.fit(data, { steps: 1, callbacks: {} } as never), /'callbacks' must be an array of callbacks .*, received \{\}/);
    await expectConfigError(() => trainer.fit(data, { steps: 1, callbacks: [5] } as never), /'callbacks\[0\]' must be a callback.*received 5/);
    await expectConfigError(() => trainer.fit(data, { steps: 1, callbacks: [{ onStepEnd: 'log' }] } as never), /'callbacks\[0\]'\.onStepEnd must be a function, received "log"/);
    await expectConfigError(() => trainer.fit(data, { steps: 1, callbacks: [{ onStepend: () => 1 }] } as never), /method 'onStepend' that is not a hook; did you mean 'onStepEnd'\?/);
    await expectConfigError(() => trainer.fit(data, { steps: 1, callbacks: [{}] }), /'callbacks\[0\]' has no hook/);
    await expectConfigError(() => trainer.fit(data, { steps: 1, signal: true } as never), /'signal' must be an AbortSignal/);
    await expectConfigError(() => trainer.fit(data, null as never), /'options' must be an object/);
    expect(trainer.step).toBe(0);
    // A class instance with its hooks on the prototype is a callback.
    class Counter {
      steps = 0;
      onStepEnd(): void {
        this.steps += 1;
      }
    }
    const counter = new Counter();
    await trainer.fit(data, { steps: 1, batchSize: 8, callbacks: [counter] });
    expect(counter.steps).toBe(1);
  });

  it('runs one fit at a time: a second fit started before the first awaits anything is refused', async () => {
    const first = trainer.fit(data, { steps: 2, batchSize: 8 });
    const second = trainer.fit(data, { steps: 2, batchSize: 8 });
    await expect(second).rejects.toThrow(ConfigError);
    await expect(second).rejects.toThrow(/Trainer\.fit: this trainer is already running a fit; await it first/);
    const history = await first;
    expect(history.logs).toHaveLength(2);
    // Once it ended (and after a fit that failed), the trainer runs again.
    await expect(trainer.fit(data, { steps: 1, batchSize: 1000 })).rejects.toThrow(/'batchSize' must be at most/);
    expect((await trainer.fit(data, { steps: 1, batchSize: 8 })).logs).toHaveLength(1);
  });

  it("refuses unknown and malformed callback options, with the close name", async () => {
    await expectConfigError(() => checkpoint({ every: 1, dir: 'runs/x', evry: 2 } as never), /callbacks\.checkpoint: unknown option 'evry'\. Did you mean 'every'\?/);
    await expectConfigError(() => sampleGrid({ every: 1, dir: 'runs/x', colums: 2 } as never), /callbacks\.sampleGrid: unknown option 'colums'\. Did you mean 'columns'\?/);
    await expectConfigError(() => metricsLog({ file: 'm.jsonl' } as never), /callbacks\.metricsLog: unknown option 'file'/);
    await expectConfigError(() => progress({ evrey: 5 } as never), /callbacks\.progress: unknown option 'evrey'\. Did you mean 'every'\?/);
    await expectConfigError(() => progress({ sink: 5 } as never), /'sink' must have a write\(text\) method/);
    await expectConfigError(() => progress({ every: 0 }), /'every' must be an integer >= 1, received 0/);
    await expectConfigError(() => learningRateSchedule({ schedule: () => 1, baseRate: 1 } as never), /unknown option 'baseRate'\. Did you mean 'baseRates'\?/);
    await expectConfigError(() => metric({ every: 10, realcount: 5 } as never), /callbacks\.metric: unknown option 'realcount'\. Did you mean 'realCount'\?/);
    await expectConfigError(() => checkpoint(undefined as never), /callbacks\.checkpoint: options must be an object with 'every', 'dir', 'metadata', received undefined/);
  });
});
