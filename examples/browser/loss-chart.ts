/** A small canvas line chart of the discriminator and generator losses, smoothed, redrawn on demand. */
export class LossChart {
  private readonly points: { step: number; dLoss: number; gLoss: number }[] = [];

  constructor(private readonly canvas: HTMLCanvasElement) {}

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
    const context = this.canvas.getContext('2d');
    if (context === null) return;
    const { width, height } = this.canvas;
    context.clearRect(0, 0, width, height);
    if (this.points.length < 2) return;
    const smooth = (key: 'dLoss' | 'gLoss'): number[] => {
      let value = this.points[0][key];
      return this.points.map((point) => (value = 0.9 * value + 0.1 * point[key]));
    };
    const series = [
      { values: smooth('dLoss'), colour: '#ff9e64' },
      { values: smooth('gLoss'), colour: '#7ee787' },
    ];
    const all = series.flatMap((s) => s.values);
    const low = Math.min(...all);
    const high = Math.max(...all);
    const span = high - low || 1;
    const pad = 24;
    context.fillStyle = '#9aa0a6';
    context.font = '11px system-ui';
    context.fillText(high.toFixed(2), 2, 12);
    context.fillText(low.toFixed(2), 2, height - 4);
    context.fillText(`step ${this.points[this.points.length - 1].step}`, width - 70, height - 4);
    for (const { values, colour } of series) {
      context.strokeStyle = colour;
      context.lineWidth = 1.5;
      context.beginPath();
      values.forEach((value, i) => {
        const x = pad + ((width - 2 * pad) * i) / (values.length - 1);
        const y = 8 + (height - 24) * (1 - (value - low) / span);
        if (i === 0) context.moveTo(x, y);
        else context.lineTo(x, y);
      });
      context.stroke();
    }
  }
}
