export {
  citationText,
  type DerivationStep,
  derivation,
  type InterpretationStep,
  type Paper,
  type PaperCitation,
  type PaperId,
  type PaperStep,
  papers,
  type TheorySection,
} from './derivation.js';
export { type GoldenConstants, type GoldenRoots, golden, mirroredGoldenRoots } from './golden.js';
export { fixedPointBase, logBase } from './logarithm.js';
export { dualProcessTerms, type UnitCircleFacts, unitCircle } from './unit-circle.js';
