import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { decodePng } from '../../src/io/png.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { checkpoint, formatDuration, metricsLog, progress, sampleGrid } from '../../src/train/callbacks/index.js';
import { Trainer } from '../../src/train/trainer.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-callbacks-'));

function imageTrainer(numClasses = 0): Trainer {
  const generator = Generator.mlp({ outputShape: [28, 28, 1], latentDim: 4, hiddenUnits: [8], numClasses, seed: 1 });
  const discriminator = Discriminator.mlp({ inputShape: [28, 28, 1], hiddenUnits: [8], numClasses, seed: 2 });
  return new Trainer({ generator, discriminator, seed: 1 });
}

describe('callbacks', () => {
  let data: Dataset;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    data = Dataset.fromTensors(tf.randomUniform([16, 28, 28, 1], -1, 1, 'float32', 2), Array.from({ length: 16 }, (_, i) => i % 4), { numClasses: 4 });
  });
  afterAll(() => {
    data.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('progress writes a line with steps/s, ETA and losses, and a summary', async () => {
    const lines: string[] = [];
    const trainer = imageTrainer();
    await trainer.fit(data, { steps: 4, batchSize: 4, callbacks: [progress({ sink: { write: (t) => lines.push(t) }, every: 2 })] });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[=+>? *\] 2\/4 +\d+\.\d\d steps\/s +ETA \S+ +dLoss -?\d+\.\d{4} +gLoss -?\d+\.\d{4}\n$/);
    expect(lines[1]).toMatch(/ 4\/4 /);
    expect(lines[2]).toMatch(/^done: 4 steps in \d+s \(\d+\.\d\d steps\/s\), step 4\n$/);
    expect(formatDuration(3725)).toBe('1h02m');
    expect(formatDuration(65)).toBe('1m05s');
    expect(formatDuration(Number.NaN)).toBe('?');
  });

  it('progress redraws one line on a terminal', async () => {
    const text: string[] = [];
    const trainer = imageTrainer();
    await trainer.fit(data, { steps: 3, batchSize: 4, callbacks: [progress({ sink: { write: (t) => text.push(t), isTTY: true } })] });
    expect(text.filter((t) => t.startsWith('\r'))).toHaveLength(3);
  });

  it('sampleGrid writes PNG grids every N steps and at the end; one column per class when conditional', async () => {
    const dir = join(root, 'samples');
    const trainer = imageTrainer(4);
    await trainer.fit(data, { steps: 5, batchSize: 4, callbacks: [sampleGrid({ every: 2, dir, count: 8 })] });
    expect(readdirSync(dir).sort()).toEqual(['samples-000002.png', 'samples-000004.png', 'samples-000005.png']);
    const png = decodePng(new Uint8Array(readFileSync(join(dir, 'samples-000005.png'))));
    // 4 columns (classes) x 2 rows of 28x28 images with 2-pixel padding.
    expect(png.width).toBe(4 * 28 + 5 * 2);
    expect(png.height).toBe(2 * 28 + 3 * 2);
    expect(() => sampleGrid({ every: 0, dir })).toThrow(/'every' must be an integer >= 1, received 0/);
  });

  it('metricsLog appends one JSON line per step', async () => {
    const path = join(root, 'logs', 'metrics.jsonl');
    const trainer = imageTrainer();
    await trainer.fit(data, { steps: 3, batchSize: 4, callbacks: [metricsLog({ path })] });
    await trainer.fit(data, { steps: 2, batchSize: 4, callbacks: [metricsLog({ path })] });
    const rows = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 4, 5]);
    expect(typeof rows[0].dLoss).toBe('number');
    expect(typeof rows[0].time).toBe('string');
  });

  it('checkpoint saves every N steps and at the end', async () => {
    const dir = join(root, 'ckpt');
    const trainer = imageTrainer();
    const steps: number[] = [];
    await trainer.fit(data, {
      steps: 3,
      batchSize: 4,
      callbacks: [
        checkpoint({ every: 2, dir }),
        { onStepEnd: async () => void steps.push(existsSync(join(dir, 'gan.json')) ? JSON.parse(readFileSync(join(dir, 'gan.json'), 'utf8')).step : 0) },
      ],
    });
    expect(steps).toEqual([0, 2, 2]);
    expect(JSON.parse(readFileSync(join(dir, 'gan.json'), 'utf8')).step).toBe(3);
  });
});
