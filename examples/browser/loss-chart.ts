import { io } from 'tfjs-gan';

/**
 * The discriminator's and generator's losses against the step, smoothed, as the library's SVG line chart
 * (axes, ticks, a legend), redrawn on demand into an element.
 */
export class LossChart {
  private readonly points: { step: number; dLoss: number; gLoss: number }[] = [];

  constructor(private readonly element: HTMLElement) {}

  /** Adds one step's losses (kept: the last 2,000). */
  add(step: number, dLoss: number, gLoss: number): void {
    this.points.push({ step, dLoss, gLoss });
    if (this.points.length > 2000) this.points.shift();
  }

  clear(): void {
    this.points.length = 0;
    this.draw();
  }

  draw(): void {
    if (this.points.length < 2) {
      this.element.replaceChildren();
      return;
    }
    // An exponential moving average (0.9), so that per-step noise reads as a curve.
    const smooth = (key: 'dLoss' | 'gLoss'): [number, number][] => {
      let value = this.points[0][key];
      return this.points.map((point) => [point.step, (value = 0.9 * value + 0.1 * point[key])]);
    };
    this.element.innerHTML = io.lineChartSvg({
      series: [
        { label: 'discriminator', points: smooth('dLoss'), color: '#e8590c' },
        { label: 'generator', points: smooth('gLoss'), color: '#2f9e44' },
      ],
      xLabel: 'step',
      yLabel: 'loss (smoothed)',
      width: 420,
      height: 240,
    });
  }
}
