import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasSpareCore, processLoad } from '../../src/core/process-load.js';

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

test('hasSpareCore: what others load must leave half a core beside ours', () => {
  assert.equal(hasSpareCore(0.9, 0.5, 2), true);
  // A load of 1.9 of which 0.5 is ours: others hold 1.4 of 2 cores.
  assert.equal(hasSpareCore(1.9, 0.5, 2), true);
  assert.equal(hasSpareCore(2.1, 0.5, 2), false);
  assert.equal(hasSpareCore(5, 0.5, 2), false);
  assert.equal(hasSpareCore(0, 0, 1), false);
});
