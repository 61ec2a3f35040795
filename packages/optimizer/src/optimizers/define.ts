/**
 * What one optimizer module declares, and how the registry turns the declaration into a
 * factory: its options with their ranges and defaults, its update rule, its documentation
 * (the formula once, with its source) and the command-line presets that name it. Every list
 * of optimizers (the CLI's `--optimizer` choices and help, `optimizerFromConfig`, the docs'
 * table, the demo's choices) is derived from these declarations through `registry.ts`.
 */
import { createOptimizer, type UpdateRule } from './engine.js';
import { readOptions } from './options.js';
import type { HyperParameterValue, Optimizer } from './types.js';
import { type HyperParameterRule, validateHyperParameter } from './validate.js';

/** One option of an optimizer: its rule (type and range), default and meaning. */
export interface OptionSpec {
  /** Type and range, checked by `validateHyperParameter` (the one place options are checked). */
  readonly rule: HyperParameterRule;
  /** The default; an option without one is required unless the module's `resolve` fills it. */
  readonly default?: HyperParameterValue;
  /** Must be given (no default). */
  readonly required?: boolean;
  /** Read at construction only (e.g. `rounded` picks defaults) and not kept as a hyper-parameter. */
  readonly transient?: boolean;
  /** Short symbol for tables and CLI summaries, e.g. `η`. */
  readonly symbol?: string;
  /** What the option means, one line. */
  readonly description: string;
}

/** An optimizer's options by name. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The value type an option spec declares: `boolean` for a `'boolean'` rule, else `number`. */
export type OptionValue<O extends OptionSpec> =
  O['rule'] extends HyperParameterRule<'boolean'> ? boolean : number;

/** The hyper-parameters an update rule sees, typed per optimizer. */
export type ValuesOf<S extends OptionSpecs> = { readonly [K in keyof S]: OptionValue<S[K]> };

/** An option spec that must be given. */
export interface RequiredOptionSpec extends OptionSpec {
  /** Always true. */
  readonly required: true;
}

/** The names of the options a spec marks `required: true`. */
export type RequiredKeys<S extends OptionSpecs> = {
  [K in keyof S]: S[K] extends RequiredOptionSpec ? K : never;
}[keyof S];

/** A factory's options, typed from the specs: required ones must be given, the rest may be. */
export type OptionsOf<S extends OptionSpecs> = {
  [K in RequiredKeys<S>]: OptionValue<S[K]>;
} & { [K in Exclude<keyof S, RequiredKeys<S>>]?: OptionValue<S[K]> };

/** Where an optimizer comes from, for the docs' table and the CLI's help. */
export type OptimizerKind = 'paper' | 'baseline' | 'tuning-free peer' | 'extension';

/**
 * A command-line name for an optimizer with preset options, e.g. `nesterov` =
 * `momentum` with `{ learningRate: 0.01, momentum: 0.9, nesterov: true }`.
 */
export interface OptimizerPreset {
  /** The `--optimizer` name. */
  readonly name: string;
  /** Options applied before the user's overrides. */
  readonly options: Readonly<Record<string, HyperParameterValue>>;
  /** One line for the help and the docs, e.g. `tfjs/PyTorch momentum, η = 0.01, μ = 0.9`. */
  readonly summary: string;
}

/** What a module writes: everything that defines one optimizer. */
export interface OptimizerDeclaration<N extends string, S extends OptionSpecs> {
  /** The library name (`toConfig().name`), e.g. `'lion'`. */
  readonly name: N;
  /** Human name, e.g. `'Lion'`. */
  readonly title: string;
  /** Paper, baseline, tuning-free peer or this project's extension. */
  readonly kind: OptimizerKind;
  /** The update in one line (Unicode maths), for the docs' table. */
  readonly formula: string;
  /** The source: authors, venue, arXiv number (and equation where the code implements one). */
  readonly source: string;
  /** The options with their rules and defaults. */
  readonly options: S;
  /** The update rule over the parameter buffers. */
  readonly rule: UpdateRule<ValuesOf<S>>;
  /** Defaults that depend on other options (e.g. `rounded`), applied before the static ones. */
  readonly resolve?: (given: Partial<ValuesOf<S>>) => Partial<ValuesOf<S>>;
  /** Checks across options (e.g. Nesterov needs momentum > 0); throws OptimizerOptionError. */
  readonly checkCombination?: (values: ValuesOf<S>) => void;
  /** The `--optimizer` names that stand for this optimizer (none for a library-only one). */
  readonly presets: readonly OptimizerPreset[];
}

/**
 * A declared optimizer as the registry lists it: its documentation, options and presets
 * and its factory (the rule stays inside the factory).
 */
export interface OptimizerModule<N extends string = string, S extends OptionSpecs = OptionSpecs> {
  /** The library name (`toConfig().name`), e.g. `'lion'`. */
  readonly name: N;
  /** Human name, e.g. `'Lion'`. */
  readonly title: string;
  /** Paper, baseline, tuning-free peer or this project's extension. */
  readonly kind: OptimizerKind;
  /** The update in one line (Unicode maths), for the docs' table. */
  readonly formula: string;
  /** The source: authors, venue, arXiv number (and equation where the code implements one). */
  readonly source: string;
  /** The options with their rules and defaults. */
  readonly options: S;
  /** The `--optimizer` names that stand for this optimizer. */
  readonly presets: readonly OptimizerPreset[];
  /**
   * A new optimizer with `options` validated and defaults filled in (the typed factories,
   * e.g. `lion(options: LionOptions)`, give the options their static types).
   *
   * @throws OptimizerOptionError naming the first bad, unknown or missing option.
   */
  create(options?: object): Optimizer;
}

/** Turns a module's declaration into a registry entry with its factory. */
export function defineOptimizer<N extends string, S extends OptionSpecs>(
  declaration: OptimizerDeclaration<N, S>,
): OptimizerModule<N> {
  const { name, options: specs } = declaration;
  return {
    name,
    title: declaration.title,
    kind: declaration.kind,
    formula: declaration.formula,
    source: declaration.source,
    options: specs,
    presets: declaration.presets,
    create(options) {
      const given = readOptions(name, specs, options) as Partial<ValuesOf<S>>;
      const derived: Partial<Record<string, HyperParameterValue>> =
        declaration.resolve?.(given) ?? {};
      // In the order the module declares its options (toConfig(), messages, tables).
      const values: Record<string, HyperParameterValue> = {};
      for (const [option, spec] of Object.entries(specs)) {
        if (spec.transient === true) continue;
        const value =
          (given as Record<string, HyperParameterValue | undefined>)[option] ??
          derived[option] ??
          spec.default;
        if (value !== undefined) values[option] = value;
      }
      return createOptimizer<ValuesOf<S>>({
        name,
        rule: declaration.rule,
        hyperParameters: values as ValuesOf<S>,
        validate: (option, value) =>
          specs[option] && specs[option].transient !== true
            ? validateHyperParameter(name, option, value, specs[option].rule)
            : undefined,
        checkCombination: declaration.checkCombination,
      });
    },
  };
}
