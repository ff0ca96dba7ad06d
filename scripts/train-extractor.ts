/**
 * Trains the small CNN classifier that tfjs-gan ships as the feature extractor of a dataset, and writes
 * it into the package as a generated module: `src/extractors/<dataset>.ts` (topology and
 * base64 weights) and `src/extractors/<dataset>.json` (the training record: seed, data, epochs,
 * test accuracy, size).
 *
 *   npx tsx scripts/train-extractor.ts --dataset mnist
 *   npx tsx scripts/train-extractor.ts --dataset fashion-mnist
 *
 * Flags: --dataset mnist | fashion-mnist, --epochs, --seed, --batch-size, --learning-rate, --width,
 * --elastic true | false, --thickness true | false, --ema-decay,
 * --quantization auto | float32 | float16 | uint8 (auto: the smallest whose test accuracy is within 0.1
 * points of float32), --out-dir, --train-count (a quick trial on fewer samples;
 * writes nothing unless --out-dir is given).
 *
 * Data: MNIST trains on the first 8,000 of the 10,000 digits of `datasets.mnist()` (fixed order) and
 * tests on the last 2,000; Fashion-MNIST trains on its 60,000 training images and tests on its 10,000
 * test images. Runs on the wasm backend, deterministic for a given seed.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { useBackend } from '../src/backend/index.js';
import { type WeightQuantization, embeddedWeightBytes } from '../src/util/embedded-model.js';
import { type ExtractorDataset as AnyExtractorDataset, MNIST_TEST_COUNT, extractorSplit } from '../src/metrics/extractor-data.js';
import type { SeededRandom } from '../src/util/random.js';
import { chooseQuantization, moduleText, trainClassifier } from './extractor-module.js';

/** The 28x28 gray datasets this script trains on (the emoji have scripts/train-emoji-extractor.ts). */
type ExtractorDataset = Exclude<AnyExtractorDataset, 'emoji'>;

interface Settings {
  dataset: ExtractorDataset;
  epochs: number;
  seed: number;
  batchSize: number;
  learningRate: number;
  quantization: WeightQuantization | 'auto';
  /** Filters of the first conv layer; the next two have 2x and 4x as many. */
  width: number;
  /** Add random elastic distortions (Simard et al. 2003) to the MNIST augmentation. */
  elastic: boolean;
  /** Add random stroke thickening or thinning (a 3x3 cross dilation or erosion) to the MNIST augmentation. */
  thickness: boolean;
  /** Decay of an exponential moving average of the weights, which becomes the shipped model; 0 = none. */
  emaDecay: number;
  outDir?: string;
  trainCount?: number;
}

const DEFAULTS: Record<ExtractorDataset, Omit<Settings, 'dataset'>> = {
  mnist: { epochs: 30, seed: 7, batchSize: 128, learningRate: 2e-3, quantization: 'auto', width: 32, elastic: false, thickness: false, emaDecay: 0.998, outDir: 'src/extractors' },
  'fashion-mnist': { epochs: 15, seed: 7, batchSize: 128, learningRate: 2e-3, quantization: 'auto', width: 16, elastic: false, thickness: false, emaDecay: 0, outDir: 'src/extractors' },
};

function parseArgs(argv: string[]): Settings {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) raw[argv[i].replace(/^--/, '')] = argv[i + 1];
  const dataset = (raw.dataset ?? 'mnist') as ExtractorDataset;
  if (dataset !== 'mnist' && dataset !== 'fashion-mnist') throw new Error(`--dataset must be mnist or fashion-mnist, received ${dataset}`);
  const d = DEFAULTS[dataset];
  const trainCount = raw['train-count'] === undefined ? undefined : Number(raw['train-count']);
  return {
    dataset,
    epochs: Number(raw.epochs ?? d.epochs),
    seed: Number(raw.seed ?? d.seed),
    batchSize: Number(raw['batch-size'] ?? d.batchSize),
    learningRate: Number(raw['learning-rate'] ?? d.learningRate),
    quantization: (raw.quantization ?? d.quantization) as WeightQuantization | 'auto',
    width: Number(raw.width ?? d.width),
    elastic: (raw.elastic ?? String(d.elastic)) === 'true',
    thickness: (raw.thickness ?? String(d.thickness)) === 'true',
    emaDecay: Number(raw['ema-decay'] ?? d.emaDecay),
    outDir: raw['out-dir'] ?? (trainCount === undefined ? d.outDir : undefined),
    trainCount,
  };
}

/**
 * The extractor network: three 3x3 conv + ReLU + 2x2 max-pool blocks (width, 2 width, 4 width filters), a
 * 128-unit ReLU layer named 'features' (the features for FID and friends), dropout, and 10 class logits.
 */
function buildExtractor(seed: number, width: number): tf.LayersModel {
  let s = seed;
  const init = () => tf.initializers.heNormal({ seed: s++ });
  const input = tf.input({ shape: [28, 28, 1], name: 'image' });
  let x: tf.SymbolicTensor = input;
  [width, 2 * width, 4 * width].forEach((filters, i) => {
    x = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(), name: `conv${i + 1}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2, name: `pool${i + 1}` }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(), name: 'features' }).apply(x) as tf.SymbolicTensor;
  // A seeded tfjs Dropout draws the same mask at every step (deterministic, but a fixed thinning of the
  // features during training rather than fresh noise); the shipped extractors were trained this way.
  x = tf.layers.dropout({ rate: 0.3, seed: s++, name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 10, kernelInitializer: init(), name: 'logits' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: `${'extractor'}` });
}

/** Bilinear sample of a 28x28 image at (y, x), background -1. */
function sampleAt(src: Float32Array, offset: number, y: number, x: number): number {
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const fy = y - y0;
  const fx = x - x0;
  const at = (yy: number, xx: number): number => (yy < 0 || yy > 27 || xx < 0 || xx > 27 ? -1 : src[offset + yy * 28 + xx]);
  return (
    (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
    fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1))
  );
}

/**
 * Writes augmented copies of `indices` into `out`. MNIST: a random affine map (rotation +-12 degrees,
 * scale 0.9-1.1, shift +-2.5 px); Fashion-MNIST: a random horizontal flip and an integer shift of +-2 px.
 */
function augmentBatch(
  dataset: ExtractorDataset,
  pixels: Float32Array,
  indices: Int32Array,
  out: Float32Array,
  random: SeededRandom,
  elastic: boolean,
  thickness = false,
): void {
  for (let b = 0; b < indices.length; b++) {
    const src = indices[b] * 784;
    const dst = b * 784;
    if (dataset === 'mnist') {
      const [fieldY, fieldX] = elastic ? [elasticField(random), elasticField(random)] : [undefined, undefined];
      const angle = ((random.next() * 2 - 1) * 12 * Math.PI) / 180;
      const scale = 0.9 + random.next() * 0.2;
      const ty = (random.next() * 2 - 1) * 2.5;
      const tx = (random.next() * 2 - 1) * 2.5;
      const cos = Math.cos(angle) / scale;
      const sin = Math.sin(angle) / scale;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const dy = y - 13.5 - ty;
          const dx = x - 13.5 - tx;
          const ey = fieldY ? fieldY[y * 28 + x] : 0;
          const ex = fieldX ? fieldX[y * 28 + x] : 0;
          out[dst + y * 28 + x] = sampleAt(pixels, src, cos * dy - sin * dx + 13.5 + ey, sin * dy + cos * dx + 13.5 + ex);
        }
      }
      if (thickness) {
        const r = random.next();
        if (r < 0.5) morphology(out, dst, r < 0.25 ? Math.max : Math.min);
      }
    } else {
      const flip = random.next() < 0.5;
      const ty = random.nextInt(5) - 2;
      const tx = random.nextInt(5) - 2;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const sy = y - ty;
          const sx0 = x - tx;
          const sx = flip ? 27 - sx0 : sx0;
          out[dst + y * 28 + x] = sy < 0 || sy > 27 || sx < 0 || sx > 27 ? -1 : pixels[src + sy * 28 + sx];
        }
      }
    }
  }
}

/** Dilation (Math.max: thicker strokes) or erosion (Math.min: thinner) of one image with a 3x3 cross. */
function morphology(images: Float32Array, offset: number, pick: (...values: number[]) => number): void {
  const copy = images.slice(offset, offset + 784);
  const at = (y: number, x: number): number => (y < 0 || y > 27 || x < 0 || x > 27 ? -1 : copy[y * 28 + x]);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      images[offset + y * 28 + x] = pick(at(y, x), at(y - 1, x), at(y + 1, x), at(y, x - 1), at(y, x + 1));
    }
  }
}

/** A random displacement field (Simard et al. 2003): uniform(-1, 1) noise, Gaussian-smoothed (sigma 4), times 34. */
function elasticField(random: SeededRandom): Float32Array {
  const sigma = 4;
  const alpha = 34;
  const radius = 12;
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  const noise = Float32Array.from({ length: 784 }, () => random.next() * 2 - 1);
  const rows = new Float32Array(784);
  const out = new Float32Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) {
        const xx = x + k;
        if (xx >= 0 && xx < 28) sum += kernel[k + radius] * noise[y * 28 + xx];
      }
      rows[y * 28 + x] = sum / total;
    }
  }
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) {
        const yy = y + k;
        if (yy >= 0 && yy < 28) sum += kernel[k + radius] * rows[yy * 28 + x];
      }
      out[y * 28 + x] = (alpha * sum) / total;
    }
  }
  return out;
}

async function accuracy(model: tf.LayersModel, pixels: Float32Array, labels: Int32Array): Promise<number> {
  let correct = 0;
  const n = labels.length;
  for (let start = 0; start < n; start += 500) {
    const size = Math.min(500, n - start);
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(pixels.subarray(start * 784, (start + size) * 784), [size, 28, 28, 1]);
      return tf.argMax(model.predict(x) as tf.Tensor, 1);
    });
    const ids = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < size; i++) if (ids[i] === labels[start + i]) correct++;
  }
  return correct / n;
}

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  const backend = await useBackend('wasm');
  const train = await extractorSplit(settings.dataset, 'train', settings.trainCount ? { count: settings.trainCount } : {});
  const test = await extractorSplit(settings.dataset, 'test');
  const trainPixels = (await train.images.data()) as Float32Array;
  const trainLabels = (await train.labels!.data()) as Int32Array;
  const testPixels = (await test.images.data()) as Float32Array;
  const testLabels = (await test.labels!.data()) as Int32Array;
  const trainName = train.name;
  const testName = test.name;
  train.dispose();
  test.dispose();
  console.log(`${settings.dataset}: train ${trainLabels.length}, test ${testLabels.length}; ${JSON.stringify(settings)}`);

  const model = buildExtractor(settings.seed, settings.width);
  // The moving average of the weights (when emaDecay > 0): it becomes the shipped model.
  const shadow = settings.emaDecay > 0 ? model.weights.map((w) => tf.variable(w.read(), false)) : undefined;
  const updateShadow = (): void => {
    if (shadow === undefined) return;
    tf.tidy(() => {
      model.weights.forEach((w, i) => shadow[i].assign(tf.add(tf.mul(shadow[i], settings.emaDecay), tf.mul(w.read(), 1 - settings.emaDecay))));
    });
  };
  const { batchSize, epochs } = settings;
  const history: { epoch: number; loss: number; testAccuracy: number; seconds: number }[] = [];
  const started = performance.now();
  await trainClassifier(model, {
    ...settings,
    labels: trainLabels,
    sampleShape: [28, 28, 1],
    numClasses: 10,
    fillBatch: (indices, batch, random) => augmentBatch(settings.dataset, trainPixels, indices, batch, random, settings.elastic, settings.thickness),
    afterStep: updateShadow,
    afterEpoch: async (epoch, loss, seconds) => {
      const testAccuracy = await accuracy(model, testPixels, testLabels);
      history.push({ epoch, loss, testAccuracy, seconds });
      console.log(`epoch ${epoch}/${epochs}: loss ${loss.toFixed(4)}, test accuracy ${(testAccuracy * 100).toFixed(2)}% (${seconds.toFixed(0)} s)`);
    },
  });
  if (shadow !== undefined) {
    const raw = await accuracy(model, testPixels, testLabels);
    model.setWeights(shadow);
    console.log(`test accuracy: raw weights ${(raw * 100).toFixed(2)}%, moving average ${((await accuracy(model, testPixels, testLabels)) * 100).toFixed(2)}%`);
  }
  const { quantization, embedded, scores: quantizedAccuracy, float32: float32Accuracy } = await chooseQuantization(
    model,
    (m) => accuracy(m, testPixels, testLabels),
    (score) => score,
    settings.quantization,
    0.001,
  );
  const shippedAccuracy = quantizedAccuracy[quantization];
  console.log(`test accuracy by quantization: ${JSON.stringify(quantizedAccuracy)}; shipping ${quantization}`);
  if (settings.outDir === undefined) return;

  const weightsHash = createHash('sha256').update(embedded.weightData).digest('hex').slice(0, 12);
  const record = {
    id: `${settings.dataset}-cnn-${weightsHash}`,
    dataset: settings.dataset,
    script: 'scripts/train-extractor.ts',
    command:
      `npx tsx scripts/train-extractor.ts --dataset ${settings.dataset} --epochs ${epochs} --seed ${settings.seed} ` +
      `--batch-size ${batchSize} --learning-rate ${settings.learningRate} --width ${settings.width} ` +
      `--elastic ${settings.elastic} --thickness ${settings.thickness} --ema-decay ${settings.emaDecay} --quantization ${settings.quantization}`,
    seed: settings.seed,
    epochs,
    batchSize,
    learningRate: settings.learningRate,
    schedule: 'Adam, cosine decay to 1% of the learning rate',
    augmentation:
      settings.dataset === 'mnist'
        ? `random affine: rotation +-12 deg, scale 0.9-1.1, shift +-2.5 px${settings.elastic ? '; elastic distortion (alpha 34, sigma 4)' : ''}` +
          `${settings.thickness ? '; stroke dilation or erosion (3x3 cross), a quarter each' : ''}`
        : 'random horizontal flip, shift +-2 px',
    width: settings.width,
    emaDecay: settings.emaDecay,
    trainData: `${trainName}: ${trainLabels.length} samples${settings.dataset === 'mnist' ? ` (the first ${trainLabels.length} of datasets.mnist())` : ''}`,
    testData: `${testName}: ${testLabels.length} samples${settings.dataset === 'mnist' ? ` (the last ${MNIST_TEST_COUNT} of datasets.mnist())` : ''}`,
    backend,
    tfjsVersion: tf.version.tfjs,
    architecture: `conv3x3(${settings.width})-pool-conv3x3(${2 * settings.width})-pool-conv3x3(${4 * settings.width})-pool-dense(128, "features")-dropout(0.3)-dense(10, "logits")`,
    featureLayer: 'features',
    featureDim: 128,
    parameters: model.countParams(),
    quantization,
    testAccuracyByQuantization: quantizedAccuracy,
    weightBytes: embeddedWeightBytes(embedded),
    testAccuracy: shippedAccuracy,
    testAccuracyFloat32: float32Accuracy,
    trainingSeconds: Math.round((performance.now() - started) / 1000),
    history,
    createdAt: new Date().toISOString(),
  };
  await mkdir(settings.outDir, { recursive: true });
  const base = `${settings.outDir}/${settings.dataset}`;
  await writeFile(`${base}.json`, `${JSON.stringify(record, null, 2)}\n`);
  await writeFile(`${base}.ts`, moduleText(record, embedded));
  console.log(`wrote ${base}.ts and ${base}.json (${record.weightBytes} bytes of weights, id ${record.id})`);
}

await main();
