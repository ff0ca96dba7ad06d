import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toy2d } from '../../src/data/toy2d.js';
import { ConfigError } from '../../src/errors.js';
import { Discriminator } from '../../src/nets/discriminator.js';
import { Generator } from '../../src/nets/generator.js';
import { metric, metricLogs } from '../../src/train/callbacks/metric.js';
import { metricsLog } from '../../src/train/callbacks/metrics-log.js';
import { Trainer } from '../../src/train/trainer.js';
import { switchBackend } from '../helpers/backends.js';

const dir = mkdtempSync(join(tmpdir(), 'tfjs-gan-metric-callback-'));

describe('callbacks.metric', () => {
  beforeAll(() => switchBackend('wasm'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('evaluates every N steps and at the end, into its history, onResult and the metrics log', async () => {
    const data = await toy2d('ring', { count: 256 });
    const trainer = new Trainer({
      generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [16], seed: 1 }),
      discriminator: Discriminator.mlp({ inputShape: [2], hiddenUnits: [16], seed: 2 }),
      loss: 'non-saturating',
      seed: 3,
    });
    const path = join(dir, 'metrics.jsonl');
    const seen: number[] = [];
    const callback = metric({
      every: 2,
      metrics: ['fid', 'precision-recall', 'mode-coverage'],
      count: 100,
      path,
      onResult: (logs) => void seen.push(logs.step),
    });
    await trainer.fit(data, { steps: 5, batchSize: 32, callbacks: [metricsLog({ path }), callback] });
    expect(callback.history.map((logs) => logs.step)).toEqual([2, 4, 5]);
    expect(seen).toEqual([2, 4, 5]);
    const first = callback.history[0];
    expect(Object.keys(first).sort()).toEqual(['fid', 'highQualityFraction', 'modesCovered', 'precision', 'recall', 'seconds', 'step']);
    for (const value of Object.values(first)) expect(Number.isFinite(value)).toBe(true);
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(5 + 3);
    const metricLines = lines.filter((line) => line.type === 'metrics');
    expect(metricLines.map((line) => line.step)).toEqual([2, 4, 5]);
    expect(metricLines[0]).toMatchObject({ fid: first.fid, precision: first.precision });
    expect(lines.findIndex((line) => line.type === 'metrics')).toBe(2); // after the log line of step 2
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
    data.dispose();
    tf.disposeVariables();
  });

  it('logs the means of the intra-class metrics', () => {
    const intra = { mean: 2.5, perClass: [2, 3], realCounts: [5, 5], fakeCounts: [4, 4] };
    const logs = metricLogs(7, { intraFid: intra, intraKid: { ...intra, mean: 0.25, perClassStd: [0.1, 0.1] }, realCount: 10, fakeCount: 8, extractor: 'x', seconds: 1 });
    expect(logs).toEqual({ step: 7, intraFid: 2.5, intraKid: 0.25, seconds: 1 });
    const shares = metricLogs(8, { intraPrecisionRecall: { precision: { ...intra, mean: 0.7 }, recall: { ...intra, mean: 0.6 } }, realCount: 10, fakeCount: 8, extractor: 'x', seconds: 1 });
    expect(shares).toEqual({ step: 8, intraPrecision: 0.7, intraRecall: 0.6, seconds: 1 });
  });

  it('checks its options when created', () => {
    expect(() => metric({ every: 0 })).toThrow(ConfigError);
    expect(() => metric({ every: 0 })).toThrow(/'every' must be an integer >= 1, received 0/);
    expect(() => metric({ every: 10, metrics: ['fdi' as never] })).toThrow(/'metrics' must be a non-empty list/);
    expect(() => metric({ every: 10, evry: 3 } as never)).toThrow(/unknown option 'evry'/);
  });
});
