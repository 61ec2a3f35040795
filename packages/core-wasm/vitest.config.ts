import { mergeConfig } from 'vitest/config';
import { shared, withRelaxedSimdProject } from '../../vitest.shared.js';

// gemm.relaxed.test.ts runs in its own project, with relaxed SIMD enabled (vitest.shared.ts).
export default mergeConfig(shared, withRelaxedSimdProject);
