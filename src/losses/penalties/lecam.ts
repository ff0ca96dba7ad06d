import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../../errors.js';
import type { Penalty, PenaltyInputs, PenaltyObservation, PenaltyState } from '../penalty.js';
import { checkInt, checkNumber } from '../../util/validate.js';
import { checkPenaltyOptions } from './input-gradients.js';

/** Options of {@link lecam}. Defaults are in {@link LECAM_DEFAULTS}. */
export interface LeCamOptions {
  /** The regularisation strength λ. @defaultValue 0.3 */
  readonly weight?: number;
  /** The decay per discriminator update of the moving averages of the mean logits, in [0, 1). @defaultValue 0.99 */
  readonly decay?: number;
}

/**
 * The defaults of {@link LeCamOptions}: Tseng et al.'s settings for BigGAN on little data, with the hinge
 * loss. The non-saturating loss lets the logits grow to several units, and the squared pull grows with
 * them: there start near `weight: 0.01` (0.3 held the emoji recipe's discriminator at chance).
 */
export const LECAM_DEFAULTS = Object.freeze({
  /** The regularisation strength λ. */
  weight: 0.3,
  /** The moving averages' decay per discriminator update. */
  decay: 0.99,
});

/**
 * The saved state of {@link lecam}: the moving averages before debiasing and how many updates they hold.
 * (A type alias, not an interface, so that it is a `Record<string, number>` as `PenaltyState.get` returns.)
 */
export type LeCamState = {
  /** The moving average of the real batches' mean logit, before the zero-debiasing division. */
  readonly real: number;
  /** The moving average of the fake batches' mean logit, before the zero-debiasing division. */
  readonly fake: number;
  /** Discriminator updates folded in so far. */
  readonly updates: number;
};

/**
 * LeCam regularisation (Tseng et al. 2021, "Regularizing Generative Adversarial Networks under Limited
 * Data", arXiv:2104.03310): `λ · (E_real relu(D(x) − α_F)² + E_fake relu(α_R − D(G(z)))²)`, where α_R
 * and α_F are moving averages of the discriminator's mean logit on real and on fake batches. It keeps the
 * discriminator's real logits from running away above what it gives fakes (and fakes below what it gives
 * reals), which bounds how far it can overfit a small training set. No gradient of gradients: it costs
 * two means.
 *
 * The averages are zero-debiased and include the current batch (as the authors' code does), and are held
 * as a {@link PenaltyState}: the Trainer folds in every applied discriminator update, undoes a failed
 * step's, and saves them in checkpoints so that a resumed run continues exactly.
 *
 * @param options - see {@link LeCamOptions}.
 * @throws ConfigError for a negative weight, a decay outside [0, 1), or an unknown option.
 * @example
 * ```ts
 * const trainer = new Trainer({ generator, discriminator, penalties: [penalties.lecam({ weight: 0.3 })] });
 * ```
 */
export function lecam(options?: LeCamOptions): Penalty {
  const owner = 'penalties.lecam';
  const o = checkPenaltyOptions(options, ['weight', 'decay'], owner);
  const weight = checkNumber(o.weight ?? LECAM_DEFAULTS.weight, 'weight', owner, { min: 0 });
  const decay = checkNumber(o.decay ?? LECAM_DEFAULTS.decay, 'decay', owner, { min: 0, max: 1, maxExclusive: true });
  const state = new LeCamAverages(decay);
  return {
    name: 'lecam',
    config: { weight, decay },
    state,
    compute: (inputs: PenaltyInputs) =>
      tf.tidy(() => {
        const realLogits = tf.reshape(inputs.realLogits, [-1]);
        const fakeLogits = tf.reshape(inputs.fakeLogits, [-1]);
        // The anchors are constants to the discriminator's gradient (the authors stop it too).
        const anchorReal = state.anchor('real', constant(tf.mean(realLogits)));
        const anchorFake = state.anchor('fake', constant(tf.mean(fakeLogits)));
        const realTerm = tf.mean(tf.square(tf.relu(tf.sub(realLogits, anchorFake))));
        const fakeTerm = tf.mean(tf.square(tf.relu(tf.sub(anchorReal, fakeLogits))));
        return tf.mul(weight, tf.add(realTerm, fakeTerm)) as tf.Scalar;
      }),
  };
}

/** The identity with a zero gradient (tfjs has no stop-gradient op). */
const constant = tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as never) as (
  x: tf.Tensor,
) => tf.Tensor;

/** LeCam's two moving averages, zero-debiased (Adam's correction: divide by 1 − decay^updates). */
class LeCamAverages implements PenaltyState {
  private real = 0;
  private fake = 0;
  private updates = 0;

  constructor(private readonly decay: number) {}

  /** The debiased average of `which` with the current batch's mean folded in (a scalar tensor). */
  anchor(which: 'real' | 'fake', batchMean: tf.Tensor): tf.Tensor {
    const biased = tf.add(this.decay * this[which], tf.mul(1 - this.decay, batchMean));
    return tf.div(biased, 1 - this.decay ** (this.updates + 1));
  }

  get(): LeCamState {
    return { real: this.real, fake: this.fake, updates: this.updates };
  }

  set(saved: Readonly<Record<string, unknown>>): void {
    const owner = 'penalties.lecam state';
    if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) {
      throw new ConfigError(`${owner}: expected an object { real, fake, updates }, received ${describeValue(saved)}.`);
    }
    const real = checkNumber(saved.real, 'real', owner);
    const fake = checkNumber(saved.fake, 'fake', owner);
    const updates = checkInt(saved.updates, 'updates', owner, 0);
    this.real = real;
    this.fake = fake;
    this.updates = updates;
  }

  observe({ realScore, fakeScore }: PenaltyObservation): void {
    if (!Number.isFinite(realScore) || !Number.isFinite(fakeScore)) return;
    this.real = this.decay * this.real + (1 - this.decay) * realScore;
    this.fake = this.decay * this.fake + (1 - this.decay) * fakeScore;
    this.updates += 1;
  }
}
