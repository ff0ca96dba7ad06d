import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureCliOutput } from '../helpers/cli-output.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-plot-'));

describe('tfjs-gan plot', () => {
  const io = captureCliOutput();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("draws a trained run's losses and scores into plot.svg", async () => {
    const run = join(root, 'ring');
    expect(await main(['train', '--dataset', 'ring', '--arch', 'mlp', '--steps', '12', '--batch-size', '32', '--out', run, '--backend', 'cpu', '--checkpoint-every', '12'])).toBe(0);
    expect(await main(['plot', '--run', run])).toBe(0);
    expect(io.out).toMatch(/wrote 2 charts of 12 steps and 0 evaluations to .*plot.svg/);
    const svg = readFileSync(join(run, 'plot.svg'), 'utf8');
    expect(svg).toContain('>losses</text>');
    expect(svg).toContain('>discriminator scores</text>');
    expect(svg).toContain('>D(generated)</text>');
    expect(svg).not.toContain('mode-seeking');
    // With the mode-seeking term, its ratio gets a chart of its own.
    const seeking = join(root, 'ring-mode-seeking');
    expect(await main(['train', '--dataset', 'ring', '--arch', 'mlp', '--steps', '12', '--batch-size', '32', '--mode-seeking', '1', '--out', seeking, '--backend', 'cpu', '--checkpoint-every', '12'])).toBe(0);
    expect(await main(['plot', '--run', seeking])).toBe(0);
    expect(io.out).toMatch(/wrote 3 charts of 12 steps/);
    expect(readFileSync(join(seeking, 'plot.svg'), 'utf8')).toContain('>mode-seeking ratio</text>');
  });

  it('draws each evaluated metric, FID on a log axis, skips a torn last line, and names bad input', async () => {
    const run = join(root, 'synthetic');
    mkdirSync(run, { recursive: true });
    const lines = [
      ...Array.from({ length: 200 }, (_, i) => JSON.stringify({ step: i + 1, dLoss: 1 + Math.sin(i), gLoss: 0.7, realScore: 0.5, fakeScore: -0.5, seconds: 0.1, penalties: { r1: 0.01 } })),
      JSON.stringify({ type: 'metrics', step: 100, fid: 40, kid: 0.03, kidStd: 0.001, precision: 0.5 }),
      JSON.stringify({ type: 'metrics', step: 200, fid: 9, kid: 0.01, kidStd: 0.001, precision: 0.7 }),
      '{"step": 201, "dLo',
    ];
    writeFileSync(join(run, 'metrics.jsonl'), `${lines.join('\n')}\n`);
    const out = join(root, 'synthetic.svg');
    expect(await main(['plot', '--run', run, '--out', out, '--smooth', '10'])).toBe(0);
    expect(io.out).toMatch(/wrote 5 charts of 200 steps and 2 evaluations/);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('>losses (mean of 10 steps)</text>');
    expect(svg).toContain('>penalty r1</text>');
    expect(svg).toContain('>fid (log)</text>');
    expect(svg).not.toContain('>kidStd</text>');

    writeFileSync(join(run, 'metrics.jsonl'), `${lines[0]}\nnot json\n${lines[1]}\n`);
    expect(await main(['plot', '--run', run, '--out', out])).toBe(1);
    expect(io.err).toMatch(/line 2 of .*metrics.jsonl is not JSON/);
    expect(await main(['plot', '--run', join(root, 'none')])).toBe(1);
    expect(io.err).toMatch(/cannot read .*metrics.jsonl/);
    expect(await main(['plot', '--run', run, '--smooth', '0'])).toBe(1);
    expect(io.err).toMatch(/'--smooth' must be an integer >= 1/);
    expect(existsSync(join(root, 'none'))).toBe(false);
  });
});
