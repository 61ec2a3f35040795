/**
 * The optimizer's per-variable state: one delta Δw per variable, keyed by the variable's NAME
 * (tfjs's own optimizers key it by position in the gradient list, which silently mixes
 * states up when the list changes).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Suffix of a delta slot's name: `<variable>/delta`. */
export const DELTA_SUFFIX = '/delta';

/**
 * tfjs-layers makes variable names unique per process by appending `_<n>`
 * (`dense_Dense1/kernel` → `dense_Dense1/kernel_1` when a loaded model reuses a layer name),
 * so a name saved in one model may come back with another suffix. This is the name without
 * that suffix, used only as a fallback when the exact name is not found.
 */
export function canonicalName(variableName: string): string {
  return variableName.replace(/_\d+$/, '');
}

/** Name-keyed delta slots; restored slots wait until their variable first appears. */
export class DeltaSlots {
  /** Variable name → its delta, in the order the variables first reached the optimizer. */
  private readonly active = new Map<string, tf.Variable>();
  /** Saved variable name → restored delta, not yet claimed by a variable. */
  private readonly restored = new Map<string, tf.Variable>();

  /**
   * The delta of `variable`: the active one, else a restored one saved under the same name
   * (exact name first, then the same name up to a tfjs-layers uniqueness suffix, if that match
   * is unique), else a new zero slot (Δw(0) = 0, apps/docs/theory.md#constants).
   */
  deltaFor(variable: tf.Variable): tf.Variable {
    const existing = this.active.get(variable.name);
    if (existing !== undefined) return existing;
    const restoredName = this.findRestored(variable.name);
    let delta: tf.Variable;
    if (restoredName !== undefined) {
      delta = this.restored.get(restoredName) as tf.Variable;
      this.restored.delete(restoredName);
      if (!tf.util.arraysEqual(delta.shape, variable.shape)) {
        const shape = `[${delta.shape.join(', ')}]`;
        delta.dispose();
        throw new RangeError(
          `DualProcessOptimizer: the restored slot "${restoredName}${DELTA_SUFFIX}" has shape ` +
            `${shape} but variable "${variable.name}" has shape [${variable.shape.join(', ')}]`,
        );
      }
    } else {
      delta = tf.tidy(() => tf.variable(tf.zerosLike(variable), false));
    }
    this.active.set(variable.name, delta);
    return delta;
  }

  /**
   * All slots as `<variable>/delta` named tensors: active ones in first-use order, then restored
   * ones no variable has claimed yet (kept so that saving again loses nothing).
   */
  named(): { name: string; tensor: tf.Variable }[] {
    const out: { name: string; tensor: tf.Variable }[] = [];
    for (const [name, tensor] of this.active) out.push({ name: name + DELTA_SUFFIX, tensor });
    for (const [name, tensor] of this.restored) out.push({ name: name + DELTA_SUFFIX, tensor });
    return out;
  }

  /**
   * Replaces every slot with copies of the given `<variable>/delta` tensors. The whole list is
   * checked and copied first, so a rejected list, or a copy that fails, leaves the current
   * slots as they were; and the list may hold the current slots themselves (what
   * {@link named} returns: `setWeights(await getWeights())`), since they are released only
   * after the copies exist.
   *
   * @throws RangeError for a name that is not `<variable>/delta`, a slot named twice, a
   *   variable in use whose slot the list lacks, or a slot whose shape differs from that
   *   variable's current slot.
   */
  restore(weights: readonly { name: string; tensor: tf.Tensor }[]): void {
    const seen = new Set<string>();
    for (const { name, tensor } of weights) {
      if (!name.endsWith(DELTA_SUFFIX) || name.length === DELTA_SUFFIX.length) {
        throw new RangeError(
          `DualProcessOptimizer.setWeights: weight "${name}" is not a delta slot; expected ` +
            `names "<variable>${DELTA_SUFFIX}" after the iteration count`,
        );
      }
      if (seen.has(name)) {
        throw new RangeError(`DualProcessOptimizer.setWeights: slot "${name}" appears twice`);
      }
      seen.add(name);
      const current = this.active.get(name.slice(0, -DELTA_SUFFIX.length));
      if (current !== undefined && !tf.util.arraysEqual(current.shape, tensor.shape)) {
        throw new RangeError(
          `DualProcessOptimizer.setWeights: slot "${name}" has shape [${tensor.shape.join(', ')}] ` +
            `but the variable's current slot has shape [${current.shape.join(', ')}]`,
        );
      }
    }
    // A variable in use whose slot is left out would restart from Δw = 0 without a word.
    const missing = [...this.active.keys()]
      .map((name) => name + DELTA_SUFFIX)
      .filter((name) => !seen.has(name));
    if (missing.length > 0) {
      throw new RangeError(
        `DualProcessOptimizer.setWeights: the list lacks the slots of variables in use: ${missing
          .map((name) => `"${name}"`)
          .join(', ')}`,
      );
    }
    const copies = new Map<string, tf.Variable>();
    try {
      for (const { name, tensor } of weights) {
        // A copy: tfjs-layers disposes the tensors it passes in right after setWeights.
        copies.set(
          name.slice(0, -DELTA_SUFFIX.length),
          tf.tidy(() => tf.variable(tf.cast(tensor, 'float32'), false)),
        );
      }
    } catch (error) {
      for (const copy of copies.values()) copy.dispose();
      throw error;
    }
    this.dispose();
    for (const [name, copy] of copies) this.restored.set(name, copy);
  }

  /** Releases every slot tensor. */
  dispose(): void {
    for (const delta of this.active.values()) delta.dispose();
    for (const delta of this.restored.values()) delta.dispose();
    this.active.clear();
    this.restored.clear();
  }

  private findRestored(variableName: string): string | undefined {
    if (this.restored.has(variableName)) return variableName;
    const canonical = canonicalName(variableName);
    const candidates = [...this.restored.keys()].filter((n) => canonicalName(n) === canonical);
    return candidates.length === 1 ? candidates[0] : undefined;
  }
}
