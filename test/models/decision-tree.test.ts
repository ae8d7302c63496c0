import { conformance } from './conformance.js';

conformance('tree', { minR2: 0.7, kernels: true });
