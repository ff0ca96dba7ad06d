import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { ConfigError, DataError, Generator } from '../../src/index.js';
import { expectLeakFree } from '../helpers/leaks.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-export-'));
const url = (name: string): string => `file://${join(root, name)}`;

beforeAll(async () => {
  await useBackend('cpu');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Random per-class parameters, so that a load that mixed up classes or weights would show. */
function perturb(generator: Generator, seed: number): Generator {
  generator.model.weights.forEach((weight, i) => {
    if (weight.dtype !== 'float32' || weight.name.includes('moving_variance')) return;
    const value = weight.read();
    weight.write(tf.tidy(() => tf.add(value, tf.randomNormal(value.shape, 0, 0.05, 'float32', seed + i))));
  });
  return generator;
}

/** Runs a generator's model on fixed latents (and labels), as an application would. */
function predict(generator: Generator, z: number[][], labels?: number[]): Float32Array {
  return tf.tidy(() => {
    const latents = tf.tensor2d(z);
    const inputs = labels === undefined ? latents : [latents, tf.tensor2d(labels, [labels.length, 1], 'int32')];
    return (generator.model.predict(inputs) as tf.Tensor).dataSync() as Float32Array;
  });
}

const latents = (count: number, dim: number, seed: number): number[][] => tf.tidy(() => tf.randomNormal([count, dim], 0, 1, 'float32', seed).arraySync() as number[][]);

describe('Generator.save: a standard tfjs LayersModel that plain @tensorflow/tfjs loads', () => {
  it('MLP and DCGAN generators (unconditional and concat-conditional) load in a process with @tensorflow/tfjs alone and give the same images', () => {
    const cases = [
      { name: 'dcgan', generator: Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 8, width: 4, seed: 1 }), labels: undefined },
      {
        name: 'dcgan-concat',
        generator: Generator.dcgan({ imageShape: [32, 32, 3], latentDim: 8, width: 4, numClasses: 3, classNames: ['a', 'b', 'c'], seed: 2 }),
        labels: [0, 2, 1, 2],
      },
      { name: 'mlp', generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [8, 8], seed: 3 }), labels: undefined },
    ];
    return (async () => {
      const jobs: { dir: string; z: number[][]; labels: number[] | undefined; expected: number[]; shape: number[] }[] = [];
      for (const [i, c] of cases.entries()) {
        perturb(c.generator, 10 * i);
        const result = await c.generator.save(url(c.name));
        expect(result.portable).toBe(true);
        expect(result.customLayers).toEqual([]);
        const json = readFileSync(join(root, c.name, 'model.json'), 'utf8');
        // Only tfjs's own classes remain; the spec travels in the metadata.
        expect(json).not.toMatch(/"class_name":"LazyGradient/);
        expect(json).toMatch(/"class_name":"Dense"/);
        expect(JSON.parse(json).userDefinedMetadata.tfjsGan.spec).toEqual(c.generator.spec);
        const z = latents(4, c.generator.latentDim, i);
        jobs.push({ dir: join(root, c.name), z, labels: c.labels, expected: Array.from(predict(c.generator, z, c.labels)), shape: [4, ...c.generator.outputShape] });
      }
      const jobFile = join(root, 'jobs.json');
      writeFileSync(jobFile, JSON.stringify(jobs));
      const out = JSON.parse(execFileSync(process.execPath, [join(__dirname, '../fixtures/plain-tfjs-load.mjs'), jobFile], { encoding: 'utf8' })) as {
        shape: number[];
        values: number[];
        classNames: string[] | null;
      }[];
      out.forEach((result, i) => {
        expect(result.shape).toEqual(jobs[i].shape);
        const worst = result.values.reduce((max, v, k) => Math.max(max, Math.abs(v - jobs[i].expected[k])), 0);
        expect(worst).toBeLessThan(1e-6);
      });
      expect(out[1].classNames).toEqual(['a', 'b', 'c']);
      cases.forEach((c) => c.generator.dispose());
    })();
  });

  it('Generator.load loads every family (tfjs-gan layers included) with its spec, and samples the same', async () => {
    const cases = [
      Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 8, width: 4, numClasses: 10, conditioning: 'cbn', classNames: [...'0123456789'], seed: 4 }),
      Generator.resnet({ imageShape: [16, 16, 3], latentDim: 8, channels: 4, maxChannels: 8, numClasses: 2, seed: 5 }),
      Generator.style({ imageShape: [8, 8, 3], latentDim: 8, styleDim: 8, mappingLayers: 2, channels: 4, seed: 6 }),
      Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [8], numClasses: 3, seed: 7 }),
    ];
    for (const [i, generator] of cases.entries()) {
      perturb(generator, 100 * i);
      const result = await generator.save(url(`family-${i}`));
      const loaded = await Generator.load(url(`family-${i}`));
      expect(loaded.spec).toEqual(generator.spec);
      expect(loaded.styleBased).toBe(generator.styleBased);
      const labels = generator.conditional ? 'all' : undefined;
      const [a, b] = [generator.sample({ count: 3, seed: 9, labels }), loaded.sample({ count: 3, seed: 9, labels })];
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([a, b]);
      if (i < 3) expect(result.portable).toBe(false);
      generator.dispose();
      loaded.dispose();
    }
    // What a non-portable model needs, so an application knows to import tfjs-gan.
    const meta = JSON.parse(readFileSync(join(root, 'family-0', 'model.json'), 'utf8')).userDefinedMetadata.tfjsGan;
    expect(meta.customLayers).toEqual(['ConditionalBatchNormalization']);
    expect(meta.kind).toBe('generator');
    expect(meta.formatVersion).toBe(1);
  });

  it('saves again over a directory crash-safely: one weights file remains, the one model.json names', async () => {
    const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 4, width: 2, seed: 8 });
    await generator.save(url('again'));
    perturb(generator, 1);
    await generator.save(url('again'));
    const files = readdirSync(join(root, 'again')).sort();
    const named = JSON.parse(readFileSync(join(root, 'again', 'model.json'), 'utf8')).weightsManifest[0].paths;
    expect(files).toEqual(['model.json', ...named].sort());
    const loaded = await Generator.load(`file://${join(root, 'again', 'model.json')}`);
    expect(Array.from(predict(loaded, [[1, 2, 3, 4]]))).toEqual(Array.from(predict(generator, [[1, 2, 3, 4]])));
    generator.dispose();
    loaded.dispose();
  });

  it('is leak-free: save, load and dispose leave no tensor', async () => {
    const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 4, width: 2, numClasses: 2, seed: 9 });
    await expectLeakFree(async () => {
      await generator.save(url('leak'));
      (await Generator.load(url('leak'))).dispose();
    });
    generator.dispose();
  });

  it('loads a plain tfjs model with no tfjs-gan record, reading the spec from its shapes', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'tanh' })] });
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      const { modelDirectory } = await import('../../src/io/model-directory.js');
      return modelDirectory(join(root, 'plain'), 'test').save!(artifacts);
    }));
    const loaded = await Generator.load(url('plain'));
    expect(loaded.spec).toEqual({ latentDim: 3, outputShape: [2], numClasses: 0 });
    loaded.dispose();
    model.dispose();
  });
});

describe('Generator.save and load: bad destinations and corrupt or hostile files', () => {
  const saved = async (name: string): Promise<string> => {
    const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 4, width: 2, seed: 10 });
    await generator.save(url(name));
    generator.dispose();
    return join(root, name);
  };
  const rewrite = (dir: string, change: (json: Record<string, unknown>) => void): void => {
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    change(json);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  };

  it('refuses destinations no handler takes, naming the schemes', async () => {
    const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 4, width: 2, seed: 11 });
    await expect(generator.save('models/digits')).rejects.toThrow(ConfigError);
    await expect(generator.save('models/digits')).rejects.toThrow(/no tfjs handler saves 'destination' "models\/digits"; expected a URL such as 'file:\/\/dir'/);
    await expect(generator.save('file://')).rejects.toThrow(/names no path/);
    await expect(generator.save(42 as never)).rejects.toThrow(/'destination' must be a URL string or a tf.io.IOHandler/);
    await expect(Generator.load('ftp://x/model.json')).rejects.toThrow(/no tfjs handler loads 'source' "ftp:\/\/x\/model.json"/);
    generator.dispose();
  });

  it('names what is wrong: no model, not JSON, a weights file outside the directory, truncated weights, another format', async () => {
    await expect(Generator.load(url('missing'))).rejects.toThrow(/no saved model at .*missing/);
    const notJson = await saved('not-json');
    writeFileSync(join(notJson, 'model.json'), '{"modelTopology": ');
    await expect(Generator.load(`file://${notJson}`)).rejects.toThrow(/model.json is not JSON/);

    const escape = await saved('escape');
    mkdirSync(join(root, 'secret'), { recursive: true });
    writeFileSync(join(root, 'secret', 'w.bin'), new Uint8Array(8));
    rewrite(escape, (json) => ((json.weightsManifest as { paths: string[] }[])[0].paths = ['../secret/w.bin']));
    await expect(Generator.load(`file://${escape}`)).rejects.toThrow(DataError);
    await expect(Generator.load(`file://${escape}`)).rejects.toThrow(/names the weights file "..\/secret\/w.bin"; expected a plain file name/);

    const truncated = await saved('truncated');
    const weights = readdirSync(truncated).find((f) => f.endsWith('.bin'))!;
    writeFileSync(join(truncated, weights), readFileSync(join(truncated, weights)).subarray(0, 100));
    await expect(Generator.load(`file://${truncated}`)).rejects.toThrow(/must be \d+ bytes .*the files hold 100/);

    const future = await saved('future');
    rewrite(future, (json) => ((json.userDefinedMetadata as { tfjsGan: { formatVersion: number } }).tfjsGan.formatVersion = 7));
    await expect(Generator.load(`file://${future}`)).rejects.toThrow(/generator format 7; this tfjs-gan reads format 1/);

    const wrongSpec = await saved('wrong-spec');
    rewrite(wrongSpec, (json) => ((json.userDefinedMetadata as { tfjsGan: { spec: { latentDim: number } } }).tfjsGan.spec.latentDim = 5));
    await expect(Generator.load(`file://${wrongSpec}`)).rejects.toThrow(DataError);
    await expect(Generator.load(`file://${wrongSpec}`)).rejects.toThrow(/the spec saved with .* does not match its model .*'z' input/);
    expect(existsSync(join(wrongSpec, 'model.json'))).toBe(true);
  });
});
