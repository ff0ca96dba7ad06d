/**
 * The modulated (and demodulated) convolution of StyleGAN2 (Karras et al. 2020, arXiv:1912.04958,
 * section 2.2).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError, describeValue } from '../errors.js';
import { hashInts } from '../util/random.js';
import { checkInt, checkPositiveInt } from '../util/validate.js';

/** Arguments of {@link ModulatedConv2D}. */
export interface ModulatedConv2DArgs {
  /** Output channels, >= 1. */
  readonly filters: number;
  /** Odd kernel size (3 for the synthesis convolutions, 1 for toRGB). @defaultValue 3 */
  readonly kernelSize?: number;
  /** Which style of the `[batch, numStyles, styleDim]` style input modulates this layer, >= 0. */
  readonly styleIndex: number;
  /** Divide each output channel by the norm of its per-sample weights (off for toRGB). @defaultValue true */
  readonly demodulate?: boolean;
  /** Add a learned bias per output channel. @defaultValue true */
  readonly useBias?: boolean;
  /** Seed of the N(0, 1) initialization of the kernel and the style affine. */
  readonly seed?: number;
  /** Name of the layer. */
  readonly name?: string;
}

/** The defaults of {@link ModulatedConv2DArgs}. */
export const MODULATED_CONV2D_DEFAULTS = Object.freeze({
  /** Kernel size. */
  kernelSize: 3,
  /** Demodulation on. */
  demodulate: true,
  /** A learned bias per output channel. */
  useBias: true,
});

/**
 * Modulated convolution (StyleGAN2, Karras et al. 2020, arXiv:1912.04958). Inputs `[x, styles]`:
 * `x` `[batch, h, w, inChannels]` and `styles` `[batch, numStyles, styleDim]`. The style `styleIndex`
 * goes through a learned affine map to per-input-channel scales `s = w·A / sqrt(styleDim) + b_A`
 * (`b_A` starts at 1); the kernel `W` (N(0, 1), equalized learning rate: used times
 * `1 / sqrt(inChannels · k²)`) is modulated per sample, `W'[b] = W · s[b, in]`, and demodulated,
 * `W''[b] = W'[b] / sqrt(Σ_{k, k, in} W'[b]² + 1e-8)` per output channel. Output `[batch, h, w, filters]`
 * ('same' padding, stride 1), plus a bias.
 *
 * The per-sample convolution runs as one shared convolution: scale the input channels by `s`, convolve
 * with `W`, scale the output channels by the demodulation factor. This is the same function as grouped
 * convolution with per-sample weights, using only ops with second-order gradients on every backend.
 * Weights: `affine_kernel` `[styleDim, inChannels]`, `affine_bias` `[inChannels]`, `kernel`
 * `[k, k, inChannels, filters]`, `bias` `[filters]`.
 *
 * @example
 * ```ts
 * const y = new ModulatedConv2D({ filters: 64, styleIndex: 0 }).apply([x, styles]) as tf.SymbolicTensor;
 * ```
 */
export class ModulatedConv2D extends tf.layers.Layer {
  /** The class name under which it is registered and saved. */
  static className = 'ModulatedConv2D';
  /** Output channels. */
  readonly filters: number;
  /** Odd kernel size. */
  readonly kernelSize: number;
  /** Which style of the `[batch, numStyles, styleDim]` style input modulates this layer. */
  readonly styleIndex: number;
  /** Whether each output channel is divided by the norm of its per-sample weights. */
  readonly demodulate: boolean;
  /** Whether a learned bias is added per output channel. */
  readonly useBias: boolean;
  /** Seed of the N(0, 1) initialization of the kernel and the style affine; undefined for an unseeded one. */
  readonly seed: number | undefined;
  private affineKernel?: tf.LayerVariable;
  private affineBias?: tf.LayerVariable;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: ModulatedConv2DArgs) {
    super({ name: args?.name });
    const owner = 'ModulatedConv2D';
    checkPositiveInt(args?.filters, 'filters', owner);
    const kernelSize = args.kernelSize ?? MODULATED_CONV2D_DEFAULTS.kernelSize;
    if (!Number.isInteger(kernelSize) || kernelSize < 1 || kernelSize % 2 === 0) {
      throw new ConfigError(`${owner}: 'kernelSize' must be an odd integer >= 1, received ${describeValue(kernelSize)}.`);
    }
    checkInt(args.styleIndex, 'styleIndex', owner, 0);
    this.filters = args.filters;
    this.kernelSize = kernelSize;
    this.styleIndex = args.styleIndex;
    this.demodulate = args.demodulate ?? MODULATED_CONV2D_DEFAULTS.demodulate;
    this.useBias = args.useBias ?? MODULATED_CONV2D_DEFAULTS.useBias;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [xShape, styleShape] = shapes(inputShape, this.name);
    const inChannels = xShape[3];
    const styleDim = styleShape[2];
    if (inChannels == null || styleDim == null) {
      throw new ShapeError(`ModulatedConv2D '${this.name}': channels and style size must be known, received ${describeValue([xShape, styleShape])}.`);
    }
    const normal = (k: number) => tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: this.seed === undefined ? undefined : hashInts(this.seed, k) });
    this.affineKernel = this.addWeight('affine_kernel', [styleDim, inChannels], 'float32', normal(1), undefined, true);
    this.affineBias = this.addWeight('affine_bias', [inChannels], 'float32', tf.initializers.ones(), undefined, true);
    const k = this.kernelSize;
    this.kernel = this.addWeight('kernel', [k, k, inChannels, this.filters], 'float32', normal(2), undefined, true);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros(), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [xShape] = shapes(inputShape, this.name);
    return [xShape[0], xShape[1], xShape[2], this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) {
        throw new ShapeError(`ModulatedConv2D '${this.name}': expects two inputs [x, styles], received ${Array.isArray(inputs) ? inputs.length : 1}.`);
      }
      const x = inputs[0] as tf.Tensor4D;
      const styles = inputs[1] as tf.Tensor3D;
      const [batch, numStyles, styleDim] = styles.shape;
      if (this.styleIndex >= numStyles) {
        throw new ShapeError(`ModulatedConv2D '${this.name}': 'styleIndex' ${this.styleIndex} needs at least ${this.styleIndex + 1} styles, received ${numStyles}.`);
      }
      const style = tf.reshape(tf.slice(styles, [0, this.styleIndex, 0], [batch, 1, styleDim]), [batch, styleDim]) as tf.Tensor2D;
      const affine = tf.mul(this.affineKernel!.read(), 1 / Math.sqrt(styleDim)) as tf.Tensor2D;
      const scales = tf.add(tf.matMul(style, affine), this.affineBias!.read()) as tf.Tensor2D; // [batch, in]
      const inChannels = x.shape[3];
      const kernel = tf.mul(this.kernel!.read(), 1 / Math.sqrt(inChannels * this.kernelSize ** 2)) as tf.Tensor4D;
      const modulated = tf.mul(x, tf.reshape(scales, [batch, 1, 1, inChannels]));
      let y: tf.Tensor = tf.conv2d(modulated as tf.Tensor4D, kernel, 1, 'same');
      if (this.demodulate) {
        // Σ_{k,k,in} (W[k,k,in,out] s[b,in])² = Σ_in s[b,in]² Σ_{k,k} W[k,k,in,out]².
        const kernelEnergy = tf.sum(tf.square(kernel), [0, 1]) as tf.Tensor2D; // [in, out]
        const demod = tf.rsqrt(tf.add(tf.matMul(tf.square(scales), kernelEnergy), 1e-8)); // [batch, out]
        y = tf.mul(y, tf.reshape(demod, [batch, 1, 1, this.filters]));
      }
      return this.useBias ? tf.add(y, this.bias!.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      styleIndex: this.styleIndex,
      demodulate: this.demodulate,
      useBias: this.useBias,
      ...(this.seed !== undefined ? { seed: this.seed } : {}),
    };
  }
}

tf.serialization.registerClass(ModulatedConv2D, 'tfjs-gan');

function shapes(inputShape: tf.Shape | tf.Shape[], name: string): [tf.Shape, tf.Shape] {
  if (!Array.isArray(inputShape[0]) || inputShape.length !== 2) {
    throw new ShapeError(`ModulatedConv2D '${name}': expects two inputs [x, styles], received ${describeValue(inputShape)}.`);
  }
  const [xShape, styleShape] = inputShape as tf.Shape[];
  if (xShape.length !== 4 || styleShape.length !== 3) {
    throw new ShapeError(
      `ModulatedConv2D '${name}': expects x [batch, h, w, c] and styles [batch, numStyles, styleDim], received ${describeValue(xShape)} and ${describeValue(styleShape)}.`,
    );
  }
  return [xShape, styleShape];
}
