/**
 * SQL expression builders for set-based, deterministic data generation: every value is a
 * function of a `generate_series` number, so a row can point at another row (a session at
 * its organization, an invocation at its session) without a join, and two runs build the
 * same data.
 *
 * @module
 */

/** A pseudo-random float in [0, 1) derived from integer expression `n` and a stream `seed`. */
export function rnd(n: string, seed: number): string {
  return `((hashint8extended((${n})::bigint, ${seed}) & 281474976710655)::float8 / 281474976710656.0)`;
}

/** A pseudo-random integer in [1, size] derived from `n` and `seed` (uniform). */
export function pick(n: string, seed: number, size: number): string {
  return `(1 + floor(${size} * ${rnd(n, seed)})::int)`;
}

/**
 * A pseudo-random integer in [1, size], skewed towards small values: P(value ≤ k) =
 * (k / size)^(1/power), so with power 3 the first 1% of ids get about a fifth of the rows
 * (a few large customers, a long tail of small ones).
 */
export function skewed(n: string, seed: number, size: number, power = 3): string {
  return `(1 + floor(${size} * power(${rnd(n, seed)}, ${power}))::int)`;
}

/** A deterministic uuid for row `n` of kind `kind` (distinct kinds never collide). */
export function uid(kind: string, n: string): string {
  return `md5('${kind}:' || (${n}))::uuid`;
}

/**
 * A CASE expression that picks one of `choices` with the given weights (percentages summing
 * to 100), from the stream `seed`. A `null` choice yields SQL NULL.
 */
export function weighted(
  n: string,
  seed: number,
  choices: readonly (readonly [string | null, number])[],
): string {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  if (Math.abs(total - 100) > 1e-9) throw new Error(`weights sum to ${total}, not 100`);
  const r = rnd(n, seed);
  let edge = 0;
  const arms: string[] = [];
  for (const [value, weight] of choices.slice(0, -1)) {
    edge += weight;
    arms.push(`when ${r} < ${edge / 100} then ${literal(value)}`);
  }
  const last = choices[choices.length - 1][0];
  return `(case ${arms.join(" ")} else ${literal(last)} end)`;
}

/** A timestamp `days` days back at most, spread uniformly: now() minus a random interval. */
export function pastTime(n: string, seed: number, days: number): string {
  return `(now() - (${rnd(n, seed)} * ${days * 86_400}) * interval '1 second')`;
}

/**
 * A timestamp that grows with row number `n` (1..`total`) over the last `days` days: rows are
 * stored in the order they were created, as in an append-mostly production table, so the
 * planner sees the same physical correlation it would see there.
 */
export function timeline(n: string, total: number, days: number): string {
  return `(now() - ((${total} - (${n}))::float8 / ${total}) * ${
    days * 86_400
  } * interval '1 second')`;
}

/** A quoted SQL literal, or NULL. */
export function literal(value: string | null): string {
  return value === null ? "null" : `'${value.replaceAll("'", "''")}'`;
}

/** Repeats a phrase to about `length` characters: realistic row width without randomness. */
export function filler(n: string, length: number): string {
  const phrase = "Investigate the failing build, fix the flaky test and open a pull request. ";
  const times = Math.max(1, Math.ceil(length / phrase.length));
  return `(left(repeat('${phrase}', ${times}), ${length}) || ' #' || (${n}))`;
}
