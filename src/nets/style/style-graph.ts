/**
 * Graph surgery on a style-based generator ({@link Generator.style}): the sub-models that map latents to
 * styles and styles to images, sharing the generator's layers (and so its weights).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConstantInput } from '../../layers/constant-input.js';
import { StyleBroadcast } from '../../layers/style-broadcast.js';

/** The model's {@link StyleBroadcast} layers: one in a style-based generator, none in any other. */
export function styleBroadcastLayers(model: tf.LayersModel): StyleBroadcast[] {
  return model.layers.filter((layer): layer is StyleBroadcast => layer instanceof StyleBroadcast);
}

/**
 * A style-based generator's model split at its {@link StyleBroadcast} layer: z (and label) → styles
 * `[batch, numStyles, styleDim]`, and styles → image. Both sub-models are built on first use and share
 * the generator's layers.
 */
export class StyleGraph {
  private stylesSubModel?: tf.LayersModel;
  private synthesisSubModel?: tf.LayersModel;

  private constructor(
    private readonly model: tf.LayersModel,
    /** The layer that broadcasts w to one style per synthesis layer. */
    readonly broadcast: StyleBroadcast,
  ) {}

  /** The style graph of a model, or undefined when the model is not style-based. */
  static of(model: tf.LayersModel): StyleGraph | undefined {
    const [broadcast] = styleBroadcastLayers(model);
    return broadcast === undefined ? undefined : new StyleGraph(model, broadcast);
  }

  /** Number of styles, one per modulated convolution (and toRGB) of the synthesis network. */
  get numStyles(): number {
    return this.broadcast.numStyles;
  }

  /** z (and label) → styles, sharing the generator's layers. */
  stylesModel(): tf.LayersModel {
    this.stylesSubModel ??= tf.model({ inputs: this.model.inputs, outputs: this.broadcast.getOutputAt(0) as tf.SymbolicTensor });
    return this.stylesSubModel;
  }

  /** styles → image: the generator's graph with the styles as an input (the constant still reads z's batch). */
  synthesisModel(): tf.LayersModel {
    if (this.synthesisSubModel === undefined) {
      const broadcastOutput = this.broadcast.getOutputAt(0) as tf.SymbolicTensor;
      const stylesInput = tf.input({ shape: broadcastOutput.shape.slice(1) as number[], name: 'styles_in' });
      const mapped = new Map<tf.SymbolicTensor, tf.SymbolicTensor>([[broadcastOutput, stylesInput]]);
      for (const layer of this.model.layers) {
        if (layer === this.broadcast) continue;
        // The learned constant only reads the batch size of its input: give it the styles.
        const inbound = layer instanceof ConstantInput ? [] : layer.inboundNodes[0].inputTensors;
        if (inbound.length === 0 && !(layer instanceof ConstantInput)) continue;
        if (!inbound.every((t) => mapped.has(t))) continue;
        const args = layer instanceof ConstantInput ? [stylesInput] : inbound.map((t) => mapped.get(t)!);
        mapped.set(layer.getOutputAt(0) as tf.SymbolicTensor, layer.apply(args.length === 1 ? args[0] : args) as tf.SymbolicTensor);
      }
      this.synthesisSubModel = tf.model({ inputs: stylesInput, outputs: mapped.get(this.model.outputs[0])! });
    }
    return this.synthesisSubModel;
  }
}
