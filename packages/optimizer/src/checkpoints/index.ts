export { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
export { crc32 } from './crc32.js';
export { CheckpointError } from './errors.js';
export { decodeModel, decodeSavedModel, encodeModel } from './model.js';
export {
  CHECKPOINT_FORMAT_VERSION,
  type Checkpoint,
  type EpochProgress,
  type SavedModel,
} from './types.js';
export { validateCheckpoint, validateSavedModel } from './validate.js';
