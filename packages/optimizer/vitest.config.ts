import { mergeConfig } from 'vitest/config';
import { shared, withRelaxedSimdProject } from '../../vitest.shared.js';

// *.relaxed.test.ts run in their own project, with relaxed SIMD enabled (vitest.shared.ts).
export default mergeConfig(shared, withRelaxedSimdProject);
