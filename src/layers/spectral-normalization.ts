/**
 * Spectral normalisation (Miyato et al. 2018, arXiv:1802.05957) as a wrapper layer.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { type Initializer, type InitializerConfig, serializeInitializer, toInitializer } from './initializer-config.js';
import { baseLayerClassName } from './lazy-gradient-layers.js';
import { checkNumber, checkPositiveInt } from '../util/validate.js';

type LayerVariable = tf.layers.Layer['weights'][number];

/** The layer classes {@link SpectralNormalization} can wrap. */
export const SPECTRAL_NORM_LAYERS = Object.freeze(['Dense', 'Conv2D', 'Conv2DTranspose'] as const);

/** Arguments of {@link SpectralNormalization}. */
export interface SpectralNormalizationArgs {
  /** The layer to normalise: a `tf.layers.dense`, `conv2d` or `conv2dTranspose` (channels last), not yet built. */
  readonly layer: tf.layers.Layer;
  /** Power iterations per training-mode call. @defaultValue 1 */
  readonly powerIterations?: number;
  /** Added to norms before dividing, so a zero vector stays finite. @defaultValue 1e-12 */
  readonly epsilon?: number;
  /** Initializer of the power-iteration vector u. @defaultValue randomNormal(0, 1) */
  readonly uInitializer?: Initializer | InitializerConfig;
  /** Name of the wrapper layer. */
  readonly name?: string;
  /** Whether the wrapped layer's weights are trainable. @defaultValue true */
  readonly trainable?: boolean;
}

/** The defaults of {@link SpectralNormalizationArgs}. */
export const SPECTRAL_NORMALIZATION_DEFAULTS = Object.freeze({
  /** Power iterations per training-mode call. */
  powerIterations: 1,
  /** Added to norms before dividing. */
  epsilon: 1e-12,
});

/**
 * One power-iteration pass, with no gradient flowing back (Miyato et al. treat u and v as constants):
 * returns `[u, v]` concatenated, u of length `out` and v of length `rest`, for `matrix` [rest, out].
 * With 0 iterations u is only normalised and v = normalise(matrix · u).
 */
function powerIterate(matrix: tf.Tensor2D, u: tf.Tensor1D, iterations: number, epsilon: number): tf.Tensor1D {
  const stopped = tf.customGrad(((m: tf.Tensor, u0: tf.Tensor) => {
    const normalize = (x: tf.Tensor) => tf.div(x, tf.add(tf.norm(x), epsilon));
    let uNext = normalize(u0) as tf.Tensor1D;
    let v = normalize(tf.reshape(tf.matMul(m as tf.Tensor2D, tf.reshape(uNext, [-1, 1])), [-1])) as tf.Tensor1D;
    for (let i = 0; i < iterations; i++) {
      uNext = normalize(tf.reshape(tf.matMul(tf.reshape(v, [1, -1]), m as tf.Tensor2D), [-1])) as tf.Tensor1D;
      if (i < iterations - 1) v = normalize(tf.reshape(tf.matMul(m as tf.Tensor2D, tf.reshape(uNext, [-1, 1])), [-1])) as tf.Tensor1D;
    }
    return { value: tf.concat([uNext, v]), gradFunc: () => [tf.zerosLike(m), tf.zerosLike(u0)] };
  }) as never);
  return stopped(matrix, u) as tf.Tensor1D;
}

/**
 * Spectral normalisation (Miyato et al. 2018, arXiv:1802.05957): wraps a dense, conv2d or
 * conv2dTranspose layer and divides its kernel by an estimate of the kernel's largest singular value σ
 * before every call, making the layer (about) 1-Lipschitz. σ comes from power iteration: the vector u
 * is a non-trainable weight of this layer, advanced by `powerIterations` steps on each training-mode
 * call and left untouched at inference (`training: false`), where σ = ‖W u‖ with the stored u.
 *
 * The kernel is viewed as a matrix with the layer's output units (filters) as columns: [in, units] for
 * dense, [kh·kw·in, filters] for conv2d, and [kh·kw·in, filters] for conv2dTranspose (whose kernel is
 * stored [kh, kw, filters, in]). Saved and loaded with the model (`registerClass`).
 *
 * @example
 * ```ts
 * const layer = new SpectralNormalization({ layer: tf.layers.dense({ units: 64 }) });
 * const y = layer.apply(tf.input({ shape: [32] }));
 * ```
 */
export class SpectralNormalization extends tf.layers.Layer {
  /** The class name under which it is registered and saved. */
  static className = 'SpectralNormalization';
  /** The wrapped layer (its weights are this layer's weights). */
  readonly layer: tf.layers.Layer;
  /** Power iterations per training-mode call. */
  readonly powerIterations: number;
  /** Added to norms before dividing, so a zero vector stays finite. */
  readonly epsilon: number;
  private readonly uInitializer: Initializer;
  private readonly activationLayer: tf.layers.Layer | null;
  private u: LayerVariable | null = null;
  private kernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;

  constructor(args: SpectralNormalizationArgs) {
    super({ name: args.name, trainable: args.trainable });
    const owner = 'SpectralNormalization';
    if (!(args?.layer instanceof tf.layers.Layer)) {
      throw new ConfigError(`${owner}: 'layer' must be a tf.layers.Layer (dense, conv2d or conv2dTranspose), received ${describeValue(args?.layer)}.`);
    }
    const className = baseLayerClassName(args.layer);
    if (!(SPECTRAL_NORM_LAYERS as readonly string[]).includes(className)) {
      throw new ConfigError(`${owner}: 'layer' must be one of ${describeValue(SPECTRAL_NORM_LAYERS)}, received a ${className} layer.`);
    }
    const config = args.layer.getConfig();
    if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') {
      throw new ConfigError(`${owner}: only channels-last convolutions are supported, received dataFormat ${describeValue(config.dataFormat)}.`);
    }
    if (config.padding !== undefined && config.padding !== 'same' && config.padding !== 'valid') {
      throw new ConfigError(`${owner}: padding must be "same" or "valid", received ${describeValue(config.padding)}.`);
    }
    const iterations = args.powerIterations ?? SPECTRAL_NORMALIZATION_DEFAULTS.powerIterations;
    checkPositiveInt(iterations, 'powerIterations', owner);
    const epsilon = args.epsilon ?? SPECTRAL_NORMALIZATION_DEFAULTS.epsilon;
    checkNumber(epsilon, 'epsilon', owner, { min: 0, minExclusive: true });
    this.layer = args.layer;
    this.powerIterations = iterations;
    this.epsilon = epsilon;
    this.uInitializer = toInitializer(args.uInitializer, () => tf.initializers.randomNormal({ mean: 0, stddev: 1 }), owner);
    const activation = config.activation as string | undefined;
    this.activationLayer =
      activation === undefined || activation === 'linear' ? null : tf.layers.activation({ activation: activation as never });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    this.layer.build(shape);
    this.layer.built = true;
    const find = (suffix: string) => this.layer.weights.find((w) => w.originalName.endsWith(suffix)) ?? null;
    this.kernel = find('kernel');
    this.bias = find('bias');
    if (this.kernel === null) throw new ConfigError(`SpectralNormalization: the wrapped ${this.layer.getClassName()} layer has no kernel.`);
    const units = this.outputUnits();
    this.u = this.addWeight('u', [units], 'float32', this.uInitializer, undefined, false);
    this.built = true;
  }

  /** The wrapped layer's trainable weights, or none when this layer is not trainable. */
  override get trainableWeights(): LayerVariable[] {
    return this.trainable ? this.layer.trainableWeights : [];
  }

  /** Not supported: throws a ConfigError (the weights are those of the wrapped layer). */
  override set trainableWeights(_weights: LayerVariable[]) {
    throw new ConfigError('SpectralNormalization: trainableWeights are those of the wrapped layer and cannot be set.');
  }

  /** The wrapped layer's non-trainable weights (all of them when this layer is not trainable) and the power-iteration vector u. */
  override get nonTrainableWeights(): LayerVariable[] {
    const inner = this.trainable ? this.layer.nonTrainableWeights : this.layer.weights;
    return this.u === null ? inner : [...inner, this.u];
  }

  /** Not supported: throws a ConfigError. */
  override set nonTrainableWeights(_weights: LayerVariable[]) {
    throw new ConfigError('SpectralNormalization: nonTrainableWeights cannot be set.');
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const training = kwargs.training === true;
      const kernel = this.kernel!.read();
      const { normalized, u } = this.normalizedKernel(kernel, training ? this.powerIterations : 0);
      if (training) this.u!.write(u);
      return this.forward(x, normalized);
    });
  }

  /**
   * The current estimate of the kernel's largest singular value, ‖W u‖ with the stored u (no update).
   * @returns a scalar; dispose it.
   */
  sigma(): tf.Scalar {
    return tf.tidy(() => {
      const matrix = this.kernelMatrix(this.kernel!.read());
      const uv = powerIterate(matrix, this.u!.read() as tf.Tensor1D, 0, this.epsilon);
      const units = this.outputUnits();
      const u = tf.slice(uv, 0, units);
      return tf.norm(tf.matMul(matrix, tf.reshape(u, [-1, 1]))) as tf.Scalar;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      layer: { className: this.layer.getClassName(), config: this.layer.getConfig() },
      powerIterations: this.powerIterations,
      epsilon: this.epsilon,
      uInitializer: serializeInitializer(this.uInitializer) as unknown as tf.serialization.ConfigDict,
    };
  }

  /** Rebuilds the wrapper from its config: the wrapped layer from its registered class name and config, then the wrapper around it. @throws ConfigError for an unregistered wrapped layer class. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { layer, ...rest } = config as { layer: { className: string; config: tf.serialization.ConfigDict } };
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[layer.className];
    if (entry === undefined) {
      throw new ConfigError(`SpectralNormalization: unknown wrapped layer class ${describeValue(layer.className)}.`);
    }
    const inner = entry[1](entry[0], layer.config) as unknown as tf.layers.Layer;
    return new cls({ ...rest, layer: inner } as never);
  }

  private outputUnits(): number {
    const config = this.layer.getConfig();
    return (config.units ?? config.filters) as number;
  }

  /** The kernel as a [rest, units] matrix (see the class comment). */
  private kernelMatrix(kernel: tf.Tensor): tf.Tensor2D {
    const units = this.outputUnits();
    const oriented = baseLayerClassName(this.layer) === 'Conv2DTranspose' ? tf.transpose(kernel, [0, 1, 3, 2]) : kernel;
    return tf.reshape(oriented, [-1, units]) as tf.Tensor2D;
  }

  private normalizedKernel(kernel: tf.Tensor, iterations: number): { normalized: tf.Tensor; u: tf.Tensor1D } {
    const matrix = this.kernelMatrix(kernel);
    const units = this.outputUnits();
    const uv = powerIterate(matrix, this.u!.read() as tf.Tensor1D, iterations, this.epsilon);
    const u = tf.slice(uv, 0, units) as tf.Tensor1D;
    const v = tf.slice(uv, units) as tf.Tensor1D;
    // σ = vᵀ W u, differentiable in W (u and v are constants).
    const sigma = tf.sum(tf.mul(tf.reshape(tf.matMul(tf.reshape(v, [1, -1]), matrix), [-1]), u));
    return { normalized: tf.div(kernel, sigma), u };
  }

  private forward(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    const config = this.layer.getConfig();
    let y: tf.Tensor;
    switch (baseLayerClassName(this.layer)) {
      case 'Dense': {
        const inDim = x.shape[x.rank - 1];
        y = tf.matMul(tf.reshape(x, [-1, inDim]), kernel as tf.Tensor2D);
        if (x.rank !== 2) y = tf.reshape(y, [...x.shape.slice(0, -1), kernel.shape[1] as number]);
        break;
      }
      case 'Conv2D':
        y = tf.conv2d(
          x as tf.Tensor4D,
          kernel as tf.Tensor4D,
          config.strides as [number, number],
          config.padding as 'same' | 'valid',
          'NHWC',
          config.dilationRate as [number, number],
        );
        break;
      default: {
        const outShape = this.layer.computeOutputShape(x.shape) as number[];
        y = tf.conv2dTranspose(
          x as tf.Tensor4D,
          kernel as tf.Tensor4D,
          [x.shape[0], outShape[1], outShape[2], outShape[3]],
          config.strides as [number, number],
          config.padding as 'same' | 'valid',
        );
      }
    }
    if (this.bias !== null) y = tf.add(y, this.bias.read());
    return this.activationLayer === null ? y : (this.activationLayer.apply(y) as tf.Tensor);
  }
}

tf.serialization.registerClass(SpectralNormalization, 'tfjs-gan');

/**
 * Wraps a dense, conv2d or conv2dTranspose layer in {@link SpectralNormalization}.
 * @example
 * ```ts
 * const dense = spectralNormalization({ layer: tf.layers.dense({ units: 1 }) });
 * ```
 */
export function spectralNormalization(args: SpectralNormalizationArgs): SpectralNormalization {
  return new SpectralNormalization(args);
}
