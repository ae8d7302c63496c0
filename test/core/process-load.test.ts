import assert from 'node:assert/strict';
import { test } from 'node:test';
import { processLoad } from '../../src/core/process-load.js';

test('processLoad: the mean CPU rate times the share the 1-minute average has absorbed', () => {
  // 15 s at two busy cores: the load average shows 2 × (1 − e^(−1/4)) ≈ 0.44 of it.
  assert.ok(Math.abs(processLoad(30e6, 15, 2) - 2 * (1 - Math.exp(-0.25))) < 1e-12);
  // Long-lived: the whole rate; capped at the cores.
  assert.ok(Math.abs(processLoad(600e6, 600, 2) - 1) < 1e-4);
  assert.ok(processLoad(5000e6, 600, 2) <= 2);
  assert.equal(processLoad(0, 0, 2), 0);
  // The defaults read this process.
  const own = processLoad();
  assert.ok(own >= 0 && own <= 64);
});
