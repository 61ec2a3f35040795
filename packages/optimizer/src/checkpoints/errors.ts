/** A corrupt, truncated, mismatched or unsupported checkpoint or model file. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}
