/**
 * `tf.layers.conv2d` and `tf.layers.dense` whose backward pass computes only the gradients it is asked
 * for.
 *
 * tfjs's layers call the fused ops (`tf.fused.conv2d`, `tf.fused.matMul`), whose gradient is one custom
 * function that computes the gradients of every input at once: the input's, the kernel's and the bias's.
 * The gradient tape cannot skip the ones nobody needs. A GAN needs few of them: the generator's step
 * differentiates through the discriminator for its input only, and the discriminator's step needs no
 * gradient of the first layer's input. On the DCGAN-MNIST reference step this waste was one filter
 * gradient of the largest convolution, the input gradients of the first convolution and the latent
 * gradient of the generator's dense layer: about 8% of the step on wasm.
 *
 * These subclasses compute the same function. While a gradient is being recorded they run the unfused
 * ops (convolution or matrix product, then bias, then activation), each with its own per-input gradient,
 * so the tape computes only what it needs; outside a gradient they run tfjs's own fused call. Their
 * configs are tfjs's; they are saved under their own class names (registered with tfjs's serialization),
 * so that a model restored from a checkpoint computes exactly what the saved one did (the unfused bias
 * is added after the products, the fused one before: the last bits differ) and a resumed run continues
 * exactly.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

// The argument types are derived from the public `tf.layers` factories and declared as interfaces of
// their own: a type alias would be printed in the published .d.ts as tfjs-layers' internal interfaces
// (`@tensorflow/tfjs-layers/dist/layers/...`), a deep import of a package tfjs-gan does not declare.
/** The arguments of `tf.layers.conv2d`, as the public factory declares them. */
type Conv2DFactoryArgs = Parameters<typeof tf.layers.conv2d>[0];
/** The arguments of `tf.layers.dense`, as the public factory declares them. */
type DenseFactoryArgs = Parameters<typeof tf.layers.dense>[0];

/** The arguments of {@link LazyGradientConv2D}: those of `tf.layers.conv2d`. */
export interface LazyGradientConv2DArgs extends Conv2DFactoryArgs {}
/** The arguments of {@link LazyGradientDense}: those of `tf.layers.dense`. */
export interface LazyGradientDenseArgs extends DenseFactoryArgs {}

/** The fields of tfjs's convolution and dense layers that the unfused call reads. */
interface LayerInternals {
  readonly kernel: tf.LayerVariable;
  readonly bias?: tf.LayerVariable | null;
  readonly activation?: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string } | null;
  // Convolutions only.
  readonly rank?: number;
  readonly strides?: number[];
  readonly padding?: string;
  readonly dataFormat?: string;
  readonly dilationRate?: number | number[];
  // Dense only.
  invokeCallHook?(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): void;
}

type LayerClass<Args> = new (args: Args) => tf.layers.Layer;

/** tfjs's own layer class registered under `className` (tfjs-layers registers its classes when loaded). */
function registeredLayerClass<Args>(className: string): LayerClass<Args> {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) throw new Error(`tfjs-gan: tfjs-layers has no registered layer class '${className}'.`);
  return entry[0] as unknown as LayerClass<Args>;
}

/** Whether a gradient is being recorded: tfjs's engine counts the nested `tf.grads` / `variableGrads`. */
function recordingGradients(): boolean {
  return tf.engine().state.gradientDepth > 0;
}

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/**
 * `tf.layers.conv2d` with a backward pass that computes only the gradients needed (see the module
 * comment). Same arguments, weights, output and config as `tf.layers.conv2d`.
 */
export class LazyGradientConv2D extends registeredLayerClass<LazyGradientConv2DArgs>('Conv2D') {
  /** The class name under which it is registered and saved. */
  static className = 'LazyGradientConv2D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as LayerInternals;
    if (!recordingGradients() || self.rank !== 2 || self.dataFormat !== 'channelsLast' || self.padding === 'causal') {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => {
      const dilation = self.dilationRate ?? 1;
      let y: tf.Tensor = tf.conv2d(
        single(inputs) as tf.Tensor4D,
        self.kernel.read() as tf.Tensor4D,
        self.strides as [number, number],
        self.padding as 'same' | 'valid',
        'NHWC',
        (typeof dilation === 'number' ? [dilation, dilation] : dilation) as [number, number],
      );
      if (self.bias != null) y = tf.add(y, self.bias.read());
      if (self.activation != null && self.activation.getClassName() !== 'linear') y = self.activation.apply(y);
      return y;
    });
  }
}

/**
 * `tf.layers.dense` with a backward pass that computes only the gradients needed (see the module
 * comment). Same arguments, weights, output and config as `tf.layers.dense`.
 */
export class LazyGradientDense extends registeredLayerClass<LazyGradientDenseArgs>('Dense') {
  /** The class name under which it is registered and saved. */
  static className = 'LazyGradientDense';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as LayerInternals;
    const x = single(inputs);
    if (!recordingGradients() || x.rank !== 2) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      self.invokeCallHook?.(inputs, kwargs);
      let y: tf.Tensor = tf.matMul(x as tf.Tensor2D, self.kernel.read() as tf.Tensor2D);
      if (self.bias != null) y = tf.add(y, self.bias.read());
      if (self.activation != null && self.activation.getClassName() !== 'linear') y = self.activation.apply(y);
      return y;
    });
  }
}

tf.serialization.registerClass(LazyGradientConv2D as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>, 'tfjs-gan');
tf.serialization.registerClass(LazyGradientDense as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>, 'tfjs-gan');

/**
 * The tfjs layer class a layer computes as: `'Conv2D'` and `'Dense'` for the lazy-gradient layers, the
 * layer's own class name otherwise.
 */
export function baseLayerClassName(layer: tf.layers.Layer): string {
  const className = layer.getClassName();
  if (className === LazyGradientConv2D.className) return 'Conv2D';
  if (className === LazyGradientDense.className) return 'Dense';
  return className;
}

/** A {@link LazyGradientConv2D}: `tf.layers.conv2d(args)` with a backward pass that computes only what is needed. */
export function lazyGradientConv2d(args: LazyGradientConv2DArgs): tf.layers.Layer {
  return new LazyGradientConv2D(args);
}

/** A {@link LazyGradientDense}: `tf.layers.dense(args)` with a backward pass that computes only what is needed. */
export function lazyGradientDense(args: LazyGradientDenseArgs): tf.layers.Layer {
  return new LazyGradientDense(args);
}
