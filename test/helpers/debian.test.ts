import { describe, expect, it, vi } from 'vitest';

import { IN_CI, assertPackages, skipWithout } from './debian.js';

const absent = { name: 'no-such-package', file: '/nonexistent/tfjs-gan/no-such-file' };
const present = { name: 'node', file: process.execPath };

describe('tests that need a Debian package', () => {
  it('run where the package is installed', () => {
    expect(skipWithout(present)).toBe(false);
    expect(() => assertPackages(present)).not.toThrow();
  });

  it('skip with a message naming the package outside CI, and fail under CI=true', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(skipWithout(present, absent)).toBe(!IN_CI);
      if (!IN_CI) expect(warn).toHaveBeenCalledWith(expect.stringMatching(/apt-get install no-such-package/));
    } finally {
      warn.mockRestore();
    }
    expect(() => assertPackages(absent)).toThrow(/missing Debian package no-such-package: apt-get install no-such-package/);
  });
});
