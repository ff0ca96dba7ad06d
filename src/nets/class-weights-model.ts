import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';

/**
 * A stand-in for a `tf.layers.embedding` that looks classes up by weights: `weights @ embeddings`,
 * output `[batch, 1, dim]` like the embedding's on `[batch, 1]` ids. It reads the embedding layer's own
 * variable, so it owns no weights and is never saved.
 */
class WeightedEmbedding extends tf.layers.Layer {
  static readonly className = 'TfjsGanWeightedEmbedding';

  /** @param keepIdsAxis - the label input is `[batch, 1]` (output `[batch, 1, dim]`), not `[batch]`. */
  constructor(
    private readonly embedding: tf.layers.Layer,
    private readonly keepIdsAxis: boolean,
  ) {
    super({});
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    const dim = this.embedding.weights[0].shape[1] as number;
    return this.keepIdsAxis ? [shape[0], 1, dim] : [shape[0], dim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const weights = Array.isArray(inputs) ? inputs[0] : inputs;
      const table = this.embedding.weights[0].read() as tf.Tensor2D;
      const looked = tf.matMul(weights as tf.Tensor2D, table);
      return this.keepIdsAxis ? tf.expandDims(looked, 1) : looked;
    });
  }
}

/**
 * Rebuilds a conditional network's graph (a generator's `[z, label]` or a discriminator's `[image,
 * label]`) with its label input replaced by class weights `[batch, numClasses]`, sharing every layer
 * (and so every weight) with `model`. One-hot weights give exactly the model's output for that class;
 * a mix of two one-hot rows mixes the two classes' embeddings, which is how
 * {@link Generator.interpolateClasses} blends classes; rows scaled below 1 fade the class out, which
 * is how a conditioning transition trains (`TrainerConfig.conditioningTransition`).
 *
 * The label may feed `tf.layers.embedding` layers (concat conditioning) and layers that accept class
 * weights (`ConditionalBatchNormalization`, `ProjectionHead`).
 *
 * @throws ConfigError when the label feeds any other layer: the model's conditioning cannot be mixed.
 */
export function buildClassWeightsModel(model: tf.LayersModel, numClasses: number, owner: string): tf.LayersModel {
  const [zInput, labelInput] = model.inputs;
  const z = tf.input({ shape: zInput.shape.slice(1) as number[] });
  const weights = tf.input({ shape: [numClasses] });
  const mapped = new Map<number, tf.SymbolicTensor>([
    [zInput.id, z],
    [labelInput.id, weights],
  ]);
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    for (const node of [...layer.inboundNodes]) {
      const inputs = node.inputTensors.map((t) => mapped.get(t.id));
      if (inputs.length === 0 || inputs.some((t) => t === undefined)) continue;
      const feedsLabel = node.inputTensors.some((t) => t.id === labelInput.id);
      let applied: tf.SymbolicTensor | tf.SymbolicTensor[];
      const args = inputs.length === 1 ? inputs[0]! : (inputs as tf.SymbolicTensor[]);
      if (!feedsLabel) {
        applied = layer.apply(args, node.callArgs) as tf.SymbolicTensor | tf.SymbolicTensor[];
      } else if (layer.getClassName() === 'Embedding') {
        applied = new WeightedEmbedding(layer, labelInput.shape.length === 2).apply(args) as tf.SymbolicTensor;
      } else if ((layer as { acceptsClassWeights?: boolean }).acceptsClassWeights === true) {
        applied = layer.apply(args) as tf.SymbolicTensor;
      } else {
        throw new ConfigError(
          `${owner}: taking class weights needs the 'label' input to feed only embedding layers (concat conditioning) or layers that accept class weights (ConditionalBatchNormalization, ProjectionHead); in this model it feeds layer ${describeValue(layer.name)} of class ${describeValue(layer.getClassName())}.`,
        );
      }
      const outputs = Array.isArray(applied) ? applied : [applied];
      node.outputTensors.forEach((t, i) => mapped.set(t.id, outputs[i]));
    }
  }
  const outputs = model.outputs.map((t) => mapped.get(t.id));
  if (outputs.some((t) => t === undefined)) {
    throw new ConfigError(`${owner}: cannot rebuild the model's graph with class weights in place of the label input.`);
  }
  return tf.model({ inputs: [z, weights], outputs: outputs as tf.SymbolicTensor[] });
}
