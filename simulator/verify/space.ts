/**
 * A finite space of contexts: one list of equivalence-class representatives per dimension, derived
 * from what the policies mention plus "anything else". The same space drives fast-check arbitraries
 * (random walks with shrinking) and exhaustive enumeration (every combination).
 */
import fc from "fast-check";
import type { Provider } from "../providers";

export interface Dimension<V = unknown> {
  readonly name: string;
  /** Representatives; the first is the default ("anything else" / the least special), which shrinking and minimal counterexamples prefer. */
  readonly values: readonly V[];
}

export interface ContextSpace<Context> {
  readonly provider: Provider;
  readonly dimensions: readonly Dimension[];
  /** The context for one value per dimension, in dimension order. */
  build(values: readonly unknown[]): Context;
}

export function spaceSize(space: ContextSpace<unknown>): number {
  return space.dimensions.reduce((n, d) => n * d.values.length, 1);
}

/** Every point of the space as value indices, in odometer order (last dimension fastest). */
export function* enumerateIndices(space: ContextSpace<unknown>): Generator<readonly number[]> {
  const sizes = space.dimensions.map((d) => d.values.length);
  if (sizes.some((s) => s === 0)) return;
  const idx = sizes.map(() => 0);
  for (;;) {
    yield idx;
    let i = sizes.length - 1;
    while (i >= 0 && ++idx[i] === sizes[i]) idx[i--] = 0;
    if (i < 0) return;
  }
}

export function valuesAt<C>(space: ContextSpace<C>, indices: readonly number[]): unknown[] {
  return space.dimensions.map((d, i) => d.values[indices[i]]);
}

/** How far a point is from the all-defaults point: the number of dimensions not at their default. */
export function distinctiveness(indices: readonly number[]): number {
  return indices.reduce((n, i) => n + (i === 0 ? 0 : 1), 0);
}

/** A fast-check arbitrary over the space; shrinks each dimension towards its default. */
export function arbitraryOf<C>(space: ContextSpace<C>): fc.Arbitrary<C> {
  const dims = space.dimensions.map((d) => fc.integer({ min: 0, max: d.values.length - 1 }));
  return fc.tuple(...dims).map((indices) => space.build(valuesAt(space, indices)));
}
