/** A corrupt, truncated, mismatched or unsupported checkpoint or model file. */
export class CheckpointError extends Error {
  /** Always `'CheckpointError'`, so the class shows in messages and stack traces. */
  override readonly name = 'CheckpointError';
}
