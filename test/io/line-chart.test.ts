import { describe, expect, it } from 'vitest';
import { ConfigError, io } from '../../src/index.js';

const count = (text: string, pattern: RegExp): number => (text.match(pattern) ?? []).length;

describe('io.lineChartSvg', () => {
  it('draws axes with round ticks, axis labels, a legend per series and guide, and escapes text', () => {
    const svg = io.lineChartSvg({
      title: 'losses <D & G>',
      series: [
        { label: 'discriminator', points: [[0, 1.4], [50, 1.1], [100, 0.9]] },
        { label: 'generator', points: [[0, 0.7], [50, 1.2], [100, Number.NaN]] },
      ],
      guides: [{ label: 'target', y: 1 }],
      xLabel: 'step',
      yLabel: 'loss',
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(count(svg, /<svg/g)).toBe(count(svg, /<\/svg>/g));
    expect(svg).toContain('losses &lt;D &amp; G&gt;');
    // x ticks at round steps, labelled under the axis.
    for (const tick of ['0', '20', '40', '60', '80', '100']) expect(svg).toMatch(new RegExp(`text-anchor="middle">${tick}</text>`));
    expect(svg).toMatch(/>step<\/text>/);
    expect(svg).toMatch(/rotate\(-90\)" text-anchor="middle">loss<\/text>/);
    for (const label of ['discriminator', 'generator', 'target']) expect(svg).toContain(`>${label}</text>`);
    expect(count(svg, /<path /g)).toBe(2);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).not.toContain('NaN');
  });

  it('puts decades on a log axis and skips values it cannot draw there', () => {
    const svg = io.lineChartSvg({ series: [{ label: 'FID', points: [[1, 300], [2, 25], [3, 4], [4, 0]] }], yScale: 'log', guides: [{ label: 'floor', y: 2.7 }] });
    for (const decade of ['1', '10', '100', '1000']) expect(svg).toMatch(new RegExp(`text-anchor="end">${decade}</text>`));
    expect(count(svg, /<circle /g)).toBe(3);
  });

  it('draws a single point, and refuses series with nothing to draw', () => {
    expect(io.lineChartSvg({ series: [{ label: 'one', points: [[5, 5]] }] })).toContain('<circle');
    expect(() => io.lineChartSvg({ series: [{ label: 'empty', points: [] }] })).toThrow(ConfigError);
    expect(() => io.lineChartSvg({ series: [{ label: 'fid', points: [[1, 0]] }], yScale: 'log' })).toThrow(/at least one point with finite x and y > 0/);
  });
});
