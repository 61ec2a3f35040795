/**
 * The tf-ops path of `RegistryOptimizer`: the optimizer's rule written in tfjs ops (one of
 * ./rules), run inside `tf.tidy` with `variable.assign` as tfjs's own optimizers do, on any
 * backend and without reading data back in the step. The small variables (biases, small
 * layers) are updated together as one flat vector (their values concatenated, updated, split
 * back), since a tfjs op costs tens of microseconds before it touches an element (a GPU
 * dispatch more) and a model has many small variables; each large variable is updated on its
 * own, where the concatenation's copies would cost more than the ops they save. The slots
 * are variables under the registry rule's slot names, one per group; `getWeights` cuts them
 * into the `<variable>/<slot>` entries the download path gives. Scalars that depend on the
 * data (e.g. Prodigy's d) are scalar variables on the backend, the others stay on the host.
 * The transforms of `withTransforms` (`@dualphi/optimizer`) run here too, in the same order
 * as there: clip the gradients to their global norm, update with the scheduled learning
 * rate, then the decoupled weight decay.
 */
import { type Optimizer, type OptimizerTransforms, scheduleFactor } from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import {
  type SavedState,
  SCALARS,
  type UpdatePath,
  type VariableGradient,
} from './registry-state.js';
import type { TfHyperParameters, TfRule } from './rules/index.js';

/**
 * Variables of at least this many elements are updated on their own, smaller ones together
 * as one flat vector (measured on tfjs-backend-wasm: concatenating and splitting a 2·10⁵
 * element layer cost more than the per-op overhead it saves; for biases it is the reverse).
 */
export const OWN_GROUP_SIZE = 1 << 16;

/** Variables updated as one entry of the rule. */
interface Group {
  /** Indices of the variables (in step order). */
  members: number[];
  /** Each member's size and offset in the group's flat vector. */
  sizes: number[];
  offsets: number[];
  /** The members' values concatenated; undefined for a group of one (the variable itself). */
  flat: tf.Variable | undefined;
  /** Slot name → slot (flat for a concatenated group, else of the variable's shape). */
  slots: Record<string, tf.Variable>;
}

/** The live state. */
interface OpsState {
  step: number;
  names: string[];
  groups: Group[];
  /** Scalar names in the optimizer's order. */
  scalarNames: string[];
  device: Record<string, tf.Variable>;
  host: Record<string, number>;
}

/** The tensors flattened and concatenated. */
function flatten(tensors: readonly tf.Tensor[]): tf.Tensor1D {
  const flat = tensors.map((t) => tf.reshape(t, [t.size]) as tf.Tensor1D);
  return flat.length === 1 ? flat[0] : tf.concat1d(flat);
}

/** Scales the gradients to global L2 norm `clipNorm` when their norm is larger (NaN: as is). */
function clipByGlobalNorm(gradients: readonly tf.Tensor[], clipNorm: number): tf.Tensor[] {
  const squares = gradients.map((g) => tf.sum(tf.square(g)));
  const norm = tf.sqrt(squares.length === 1 ? squares[0] : tf.addN(squares));
  const factor = tf.where(tf.greater(norm, clipNorm), tf.div(clipNorm, norm), tf.scalar(1));
  return gradients.map((g) => tf.mul(g, factor));
}

/** Groups the variables: each large one alone, the small ones together (in step order). */
function groupsOf(pairs: readonly VariableGradient[]): number[][] {
  const small: number[] = [];
  const groups: number[][] = [];
  pairs.forEach(({ variable }, i) => {
    if (variable.size >= OWN_GROUP_SIZE) groups.push([i]);
    else small.push(i);
  });
  if (small.length > 0) groups.push(small);
  return groups;
}

/** A registry rule in tfjs ops. */
export class OpsPath implements UpdatePath {
  readonly kind = 'ops';
  private state: OpsState | undefined;
  /** A restored state waiting for its variables' sizes (known at the next step). */
  private pending: SavedState | undefined;
  private readonly transforms: OptimizerTransforms;

  /** Runs `rule`, the tf-ops form of `optimizer`'s rule. */
  constructor(
    private readonly optimizer: Optimizer,
    private readonly rule: TfRule,
  ) {
    this.transforms = optimizer.toConfig().transforms ?? {};
  }

  get names(): readonly string[] | undefined {
    return this.state?.names ?? this.pending?.names;
  }

  step(pairs: readonly VariableGradient[]): void {
    if (this.state === undefined) {
      this.state = this.build(pairs, this.pending);
      this.pending = undefined;
    }
    const state = this.state;
    const base = this.optimizer.hyperParameters;
    const { schedule, clipNorm, weightDecay } = this.transforms;
    // The schedule's factor for this step only, as withTransforms applies it.
    const scale = schedule ? scheduleFactor(schedule, state.step) : 1;
    const hyperParameters: TfHyperParameters =
      scale === 1 ? base : { ...base, learningRate: (base.learningRate as number) * scale };
    const host = { ...state.host };
    const step = state.step + 1;
    tf.tidy(() => {
      let gradients = state.groups.map(({ members, flat }) =>
        flat ? flatten(members.map((m) => pairs[m].gradient)) : pairs[members[0]].gradient,
      );
      if (clipNorm !== undefined) gradients = clipByGlobalNorm(gradients, clipNorm);
      const entries = state.groups.map((group, g) => {
        const { members, flat } = group;
        if (flat) flat.assign(flatten(members.map((m) => pairs[m].variable)));
        return {
          name: members.map((m) => pairs[m].name).join(', '),
          variable: flat ?? pairs[members[0]].variable,
          gradient: gradients[g],
          slots: group.slots,
        };
      });
      this.rule.update(entries, hyperParameters, {
        step,
        scalars: host,
        deviceScalars: state.device,
      });
      const rate = weightDecay
        ? ((base.learningRate as number | undefined) ?? 1) * scale * weightDecay
        : 0;
      for (const { variable } of entries) {
        if (rate !== 0) variable.assign(tf.sub(variable, tf.mul(tf.scalar(rate), variable)));
      }
      for (const { members, sizes, flat } of state.groups) {
        if (!flat) continue;
        const parts = members.length === 1 ? [flat] : tf.split(flat, sizes);
        members.forEach((m, i) => {
          const variable = pairs[m].variable;
          variable.assign(tf.reshape(parts[i], variable.shape));
        });
      }
    });
    state.host = host;
    state.step = step;
  }

  weights(): { name: string; tensor: tf.Tensor }[] {
    if (this.state === undefined) return this.pending ? savedWeights(this.pending) : [];
    const state = this.state;
    const byVariable: { name: string; tensor: tf.Tensor }[][] = [];
    for (const { members, sizes, offsets, flat, slots } of state.groups) {
      members.forEach((m, i) => {
        byVariable[m] = this.rule.slotNames.map((slot) => ({
          name: `${state.names[m]}/${slot}`,
          tensor: flat
            ? tf.slice(slots[slot], offsets[i], sizes[i])
            : tf.reshape(slots[slot], [sizes[i]]),
        }));
      });
    }
    const named = byVariable.flat();
    for (const key of state.scalarNames) {
      const tensor =
        key in state.device ? tf.reshape(state.device[key], [1]) : tf.tensor([state.host[key]]);
      named.push({ name: SCALARS + key, tensor });
    }
    return named;
  }

  restore(saved: SavedState): void {
    this.dispose();
    this.pending = saved;
  }

  dispose(): void {
    if (this.state) {
      for (const { flat, slots } of this.state.groups) {
        flat?.dispose();
        for (const slot of Object.values(slots)) slot.dispose();
      }
      for (const scalar of Object.values(this.state.device)) scalar.dispose();
    }
    this.state = undefined;
    this.pending = undefined;
  }

  /**
   * The state for these variables: `saved` (checked against the variables' sizes before any
   * tensor is made, so a mismatch throws without leaking) or, without it, zero slots (copies
   * of the variables for the rule's copied slots) and the initial scalars, step 0.
   *
   * @throws RangeError naming the slot and the variable when their sizes differ.
   */
  private build(pairs: readonly VariableGradient[], saved: SavedState | undefined): OpsState {
    const slotNames = this.rule.slotNames;
    if (saved) {
      for (const { name, variable } of pairs) {
        for (const slot of slotNames) {
          const key = `${name}/${slot}`;
          const values = saved.slots.get(key);
          if (values === undefined || values.length !== variable.size) {
            throw new RangeError(
              `RegistryOptimizer: the restored slot "${key}" has ${values?.length ?? 0} values but variable "${name}" has ${variable.size}`,
            );
          }
        }
      }
    }
    const copied = new Set(this.rule.copiedSlots ?? []);
    const groups = groupsOf(pairs).map((members): Group => {
      const sizes = members.map((m) => pairs[m].variable.size);
      const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
      const single = members.length === 1 && sizes[0] >= OWN_GROUP_SIZE;
      const shape = single ? pairs[members[0]].variable.shape : [sizes.reduce((a, b) => a + b, 0)];
      const current = () =>
        single
          ? tf.clone(pairs[members[0]].variable)
          : flatten(members.map((m) => pairs[m].variable));
      const slots: Record<string, tf.Variable> = {};
      for (const slot of slotNames) {
        slots[slot] = tf.tidy(() => {
          if (saved) {
            const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
            members.forEach((m, i) => {
              values.set(saved.slots.get(`${pairs[m].name}/${slot}`) as Float32Array, offsets[i]);
            });
            return tf.variable(tf.tensor(values, shape, 'float32'), false);
          }
          return tf.variable(copied.has(slot) ? current() : tf.zeros(shape), false);
        });
      }
      const flat = single ? undefined : tf.tidy(() => tf.variable(current(), false));
      return { members, sizes, offsets, flat, slots };
    });
    const scalars = saved ? saved.scalars : (this.optimizer.initArrays([]).scalars ?? {});
    const onDevice = new Set(this.rule.deviceScalars ?? []);
    const device: Record<string, tf.Variable> = {};
    const host: Record<string, number> = {};
    for (const [key, value] of Object.entries(scalars)) {
      if (onDevice.has(key)) device[key] = tf.tidy(() => tf.variable(tf.scalar(value), false));
      else host[key] = value;
    }
    return {
      step: saved ? saved.step : 0,
      names: pairs.map((p) => p.name),
      groups,
      scalarNames: Object.keys(scalars),
      device,
      host,
    };
  }
}

/** A saved state as named tensors (before its variables have been seen). */
function savedWeights(saved: SavedState): { name: string; tensor: tf.Tensor }[] {
  const named: { name: string; tensor: tf.Tensor }[] = [];
  for (const [key, values] of saved.slots) named.push({ name: key, tensor: tf.tensor(values) });
  for (const [key, value] of Object.entries(saved.scalars)) {
    named.push({ name: SCALARS + key, tensor: tf.tensor([value]) });
  }
  return named;
}
