/**
 * Feature extractors: what turns images into the feature vectors that FID, KID, precision/recall and
 * density/coverage compare. Any `tf.LayersModel` plugs in with {@link fromModel}; tfjs-gan ships
 * trained ones for MNIST, Fashion-MNIST and the Twitter emoji ({@link mnist}, {@link fashionMnist}, {@link emoji}).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError, describeValue } from '../errors.js';
import { modelHash } from './content-hash.js';
import { decodeEmbeddedModel } from '../util/embedded-model.js';
import { type ExtractorRecord, type ShippedExtractor, type ShippedExtractorName, shippedExtractor } from '../extractors/index.js';
import { checkPositiveInt } from '../util/validate.js';

/** Turns images into feature vectors (and, for a classifier, class logits). */
export interface FeatureExtractor {
  /**
   * A stable id of the extractor and its weights; it keys the cache of reference statistics, so two
   * extractors with the same id must compute the same features.
   */
  readonly id: string;
  /**
   * A digest of the extractor's weights and configuration, read when called. The reference-feature
   * cache keys its entries by it (with `id`), so an extractor whose weights changed never gets the
   * features of the old ones. Extractors from {@link fromModel} (and the shipped ones) have it; without
   * it, `id` alone must name the weights.
   */
  readonly weightsHash?: () => Promise<string>;
  /** The per-image shape it takes, e.g. `[28, 28, 1]`. */
  readonly inputShape: readonly number[];
  /** The length of a feature vector. */
  readonly featureDim: number;
  /** The number of classes of {@link FeatureExtractor.classify}; 0 when it cannot classify. */
  readonly numClasses: number;
  /**
   * The features of a batch of images, computed in batches of `batchSize` so that any number fits in
   * memory. Synchronous: call it inside `tf.tidy` or dispose the result.
   * @param images - `[N, ...inputShape]`, NHWC in [-1, 1].
   * @returns `[N, featureDim]` float32.
   * @throws ShapeError when the images do not have `inputShape`.
   */
  extract(images: tf.Tensor): tf.Tensor2D;
  /**
   * Class logits of a batch of images (present when the extractor is a classifier).
   * @param images - `[N, ...inputShape]`, NHWC in [-1, 1].
   * @returns `[N, numClasses]` float32 logits.
   */
  classify?(images: tf.Tensor): tf.Tensor2D;
  /** Frees the extractor's weights. */
  dispose(): void;
}

/** Options of {@link fromModel}. */
export interface FromModelOptions {
  /** An id for the reference-statistics cache. @defaultValue `'<model name>/<layerName>'` */
  readonly id?: string;
  /**
   * The layer whose output are the class logits, for `classify`. @defaultValue none: the extractor
   * classifies only when given this.
   */
  readonly logitsLayer?: string;
  /** Images per forward pass. @defaultValue 500 */
  readonly batchSize?: number;
}

/** A shipped extractor: a {@link FeatureExtractor} that classifies, with the record of its training. */
export interface ShippedFeatureExtractor extends FeatureExtractor {
  /** How it was trained (seed, data, epochs) and its accuracy on held-out data. */
  readonly record: ExtractorRecord;
  classify(images: tf.Tensor): tf.Tensor2D;
}

/**
 * Uses any model as a feature extractor: the features are the output of layer `layerName`, flattened.
 *
 * @param model - a model whose input takes NHWC images in [-1, 1] (rescale inside the model if it was
 *   trained on another range).
 * @param layerName - the layer whose output are the features, usually the penultimate one.
 * @param options - see {@link FromModelOptions}.
 * @returns an extractor that shares the model's weights; its `dispose()` frees the model.
 * @throws ConfigError when the model has no such layer.
 * @example
 * ```ts
 * const classifier = await tf.loadLayersModel('file://my-classifier/model.json');
 * const features = metrics.features.fromModel(classifier, 'dense_1', { logitsLayer: 'dense_2' });
 * const fid = await metrics.fid({ real: data, generator, count: 5000, features });
 * ```
 */
export function fromModel(model: tf.LayersModel, layerName: string, options: FromModelOptions = {}): FeatureExtractor {
  const owner = 'metrics.features.fromModel';
  if (!(model instanceof tf.LayersModel)) {
    throw new ConfigError(`${owner}: 'model' must be a tf.LayersModel, received ${describeValue(model)}.`);
  }
  const layer = findLayer(model, layerName, 'layerName', owner);
  const batchSize = checkPositiveInt(options.batchSize ?? 500, 'batchSize', owner);
  const inputShape = Object.freeze(model.inputs[0].shape.slice(1) as number[]);
  const featureModel = tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor });
  const featureDim = (layer.output as tf.SymbolicTensor).shape.slice(1).reduce((a: number, b) => a * (b ?? 1), 1);
  const logits = options.logitsLayer === undefined ? undefined : findLayer(model, options.logitsLayer, 'logitsLayer', owner);
  const classModel = logits && tf.model({ inputs: model.inputs, outputs: logits.output as tf.SymbolicTensor });
  const numClasses = logits ? ((logits.output as tf.SymbolicTensor).shape.at(-1) ?? 0) : 0;
  const id = options.id ?? `${model.name}/${layerName}`;
  const run = (net: tf.LayersModel, images: tf.Tensor, what: string): tf.Tensor2D => {
    checkImages(images, inputShape, `${id}.${what}`);
    return tf.tidy(() => {
      const n = images.shape[0];
      const parts: tf.Tensor2D[] = [];
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        const batch = size === n ? images : tf.slice(images, start, size);
        const out = net.apply(batch, { training: false }) as tf.Tensor;
        parts.push(tf.reshape(out, [size, -1]) as tf.Tensor2D);
      }
      return parts.length === 1 ? parts[0] : tf.concat2d(parts, 0);
    });
  };
  const extractor: FeatureExtractor = {
    id,
    weightsHash: () => modelHash(model, `${layerName}/${options.logitsLayer ?? ''}`),
    inputShape,
    featureDim,
    numClasses,
    extract: (images) => run(featureModel, images, 'extract'),
    ...(classModel ? { classify: (images: tf.Tensor) => run(classModel, images, 'classify') } : {}),
    dispose: () => model.dispose(),
  };
  return extractor;
}

function findLayer(model: tf.LayersModel, name: string, argName: string, owner: string): tf.layers.Layer {
  const layer = typeof name === 'string' ? model.layers.find((l) => l.name === name) : undefined;
  if (layer === undefined) {
    throw new ConfigError(
      `${owner}: '${argName}' must name a layer of the model, one of ${describeValue(model.layers.map((l) => l.name))}, received ${describeValue(name)}.`,
    );
  }
  return layer;
}

function checkImages(images: tf.Tensor, inputShape: readonly number[], owner: string): void {
  if (!(images instanceof tf.Tensor)) {
    throw new ShapeError(`${owner}: 'images' must be a tensor [N, ${inputShape.join(', ')}], received ${describeValue(images)}.`);
  }
  const shape = images.shape.slice(1);
  if (images.rank !== inputShape.length + 1 || shape.some((d, i) => inputShape[i] != null && d !== inputShape[i])) {
    throw new ShapeError(
      `${owner}: 'images' must have shape [N, ${inputShape.join(', ')}], received ${describeValue(images.shape)}. ` +
        'Resize the samples (tf.image.resizeBilinear) or use an extractor made for their shape.',
    );
  }
}

const shared = new Map<ShippedExtractorName, Promise<ShippedFeatureExtractor>>();
const models = new WeakMap<FeatureExtractor, tf.LayersModel>();

/**
 * Builds the extractor of a generated weights module (a new model each call). Its `dispose()` frees
 * the model.
 * @internal
 */
export async function loadShippedExtractor(shipped: ShippedExtractor, onDispose?: () => void): Promise<ShippedFeatureExtractor> {
  const model = await decodeEmbeddedModel(shipped.model);
  const base = fromModel(model, shipped.record.featureLayer, { id: shipped.record.id, logitsLayer: 'logits' });
  const extractor: ShippedFeatureExtractor = {
    ...base,
    record: shipped.record,
    classify: base.classify!,
    dispose: () => {
      onDispose?.();
      base.dispose();
    },
  };
  models.set(extractor, model);
  return extractor;
}

/**
 * Whether the weights behind an extractor are still there. `tf.disposeVariables()` frees them behind its
 * back: it frees each variable's data and forgets the variable, but leaves the variable's `isDisposed`
 * false, so what tells is whether the engine still holds the variable.
 */
function isAlive(extractor: FeatureExtractor): boolean {
  const model = models.get(extractor);
  try {
    const held = tf.engine().registeredVariables;
    return model !== undefined && model.weights.every((weight) => {
      const variable = weight.read() as tf.Variable;
      return !variable.isDisposed && held[variable.name] === variable;
    });
  } catch {
    return false;
  }
}

/**
 * Loads a shipped extractor once and shares it: every call returns the same instance until it is
 * disposed (its `dispose()` frees it and the next call loads it again), or until its weights were freed
 * by `tf.disposeVariables()` (then it is loaded again).
 * @internal
 */
export async function sharedExtractor(name: ShippedExtractorName): Promise<ShippedFeatureExtractor> {
  const cached = shared.get(name);
  if (cached !== undefined && (await cached.then(isAlive, () => false))) return cached;
  const promise: Promise<ShippedFeatureExtractor> = shippedExtractor(name).then((shipped) =>
    loadShippedExtractor(shipped, () => {
      if (shared.get(name) === promise) shared.delete(name);
    }),
  );
  shared.set(name, promise);
  promise.catch(() => {
    if (shared.get(name) === promise) shared.delete(name);
  });
  return promise;
}

/**
 * The shipped MNIST feature extractor: a small CNN classifier trained by `scripts/train-extractor.ts` on
 * the first 8,000 digits of `datasets.mnist()` (test accuracy on the last 2,000 in `record`). Features
 * are its 128-unit penultimate layer. The weights are inside the package: no network access.
 *
 * @returns the extractor, shared between calls until disposed.
 * @example
 * ```ts
 * const features = await metrics.features.mnist();
 * features.record.testAccuracy;   // e.g. 0.99
 * const f = features.extract(images);   // [N, 128]
 * ```
 */
export function mnist(): Promise<ShippedFeatureExtractor> {
  return sharedExtractor('mnist');
}

/**
 * The shipped Fashion-MNIST feature extractor: a small CNN classifier trained by
 * `scripts/train-extractor.ts` on the 60,000 training images (test accuracy on the 10,000 test images in
 * `record`). Features are its 128-unit penultimate layer. The weights are inside the package.
 *
 * @returns the extractor, shared between calls until disposed.
 * @example
 * ```ts
 * const features = await metrics.features.fashionMnist();
 * ```
 */
export function fashionMnist(): Promise<ShippedFeatureExtractor> {
  return sharedExtractor('fashion-mnist');
}

/**
 * The shipped emoji feature extractor: a small colour CNN classifier of the 9 emoji categories, trained
 * by `scripts/train-emoji-extractor.ts` on `datasets.emoji({ split: 'train' })` at 64x64 beside a
 * second head (not shipped) that tells each of the 3,163 training images from the others, so that its
 * features see the picture and not only the category (held-out accuracy on the `'test'` split in
 * `record`). Features are its 128-unit penultimate layer; it takes `[N, 64, 64, 3]` images in [-1, 1].
 * The weights are inside the package. Its FID and intra-class KID rank emoji generators closer to a
 * blind count of their grids (Spearman 0.75 and 0.74 over twelve generators) than a categories-only
 * classifier did (0.68 and 0.27; shipped before, it put blurry generators at the real emoji's floor:
 * docs/recipes.md, "Counted blind").
 *
 * @returns the extractor, shared between calls until disposed.
 * @example
 * ```ts
 * const features = await metrics.features.emoji();
 * features.inputShape;   // [64, 64, 3]
 * ```
 */
export function emoji(): Promise<ShippedFeatureExtractor> {
  return sharedExtractor('emoji');
}

/**
 * The shipped extractor of a dataset by name: `'mnist'`, `'fashion-mnist'` or `'emoji'` (or a name
 * that starts with one of them and a dash, such as `'emoji-64-test'`).
 * @throws ConfigError for another name.
 */
export function forDataset(name: string): Promise<ShippedFeatureExtractor> {
  if (name === 'mnist' || name.startsWith('mnist-')) return mnist();
  if (name === 'fashion-mnist' || name.startsWith('fashion-mnist-')) return fashionMnist();
  if (name === 'emoji' || name.startsWith('emoji-')) return emoji();
  throw new ConfigError(
    `metrics.features.forDataset: tfjs-gan ships feature extractors for 'mnist', 'fashion-mnist' and 'emoji', received ${describeValue(name)}. Use metrics.features.fromModel(model, layerName) for other data.`,
  );
}
