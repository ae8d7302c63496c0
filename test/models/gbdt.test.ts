import { conformance } from './conformance.js';

conformance('gbdt', { minR2: 0.85, kernels: true });
