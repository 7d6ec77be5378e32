/**
 * Validation at process boundaries: parse with a contract schema, or throw an error that names the
 * bad field.
 *
 * @module
 */
import { z } from "zod";

/** One problem found while validating: where (`"events[0].dedupKey"`) and what. */
export interface ContractIssue {
  /** Dotted path of the bad field, with `[n]` for array items; `"(root)"` for the value itself. */
  path: string;
  /** What is wrong with it, in Zod's words. */
  message: string;
}

/**
 * Thrown by {@link parseOrThrow}. The message names what was being validated and every bad field,
 * e.g. `Invalid NormalizedTriggerEvent: dedupKey: Too small: expected string to have >=1 characters`.
 * It never repeats the input value, so it is safe to log.
 */
export class ContractValidationError extends Error {
  /** Class tag. */
  override readonly name: "ContractValidationError" = "ContractValidationError";
  /** What was being validated, as passed to {@link parseOrThrow}. */
  readonly what: string;
  /** Every problem found, in Zod's order. */
  readonly issues: readonly ContractIssue[];

  /** Builds the error from the label and the issues; the message lists each issue. */
  constructor(what: string, issues: readonly ContractIssue[]) {
    super(`Invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
    this.what = what;
    this.issues = issues;
  }
}

/**
 * Formats a Zod issue path: `["events", 0, "dedupKey"]` → `"events[0].dedupKey"`; the empty path
 * is `"(root)"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatIssuePath } from "@proliferate/core/providers";
 *
 * assert.equal(formatIssuePath(["events", 0, "dedupKey"]), "events[0].dedupKey");
 * assert.equal(formatIssuePath([]), "(root)");
 * ```
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/**
 * Validates `value` against a contract schema and returns the parsed value (unknown object keys
 * stripped), or throws a {@link ContractValidationError} naming every bad field. Use it where data
 * enters a process: webhook routes, queue consumers, tool callbacks, rows read back from JSONB.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   ContractValidationError,
 *   modeResolutionSchema,
 *   parseOrThrow,
 * } from "@proliferate/core/providers";
 *
 * const ok = parseOrThrow(modeResolutionSchema, { mode: "allow", source: "org_default" }, "mode");
 * assert.equal(ok.mode, "allow");
 *
 * assert.throws(
 *   () => parseOrThrow(modeResolutionSchema, { mode: "maybe", source: "org_default" }, "mode"),
 *   (err) => err instanceof ContractValidationError && err.message.includes("mode: "),
 * );
 * ```
 */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ContractValidationError(
    what,
    result.error.issues.map((issue) => ({
      path: formatIssuePath(issue.path),
      message: issue.message,
    })),
  );
}

type Equals<A, B> = (<G>() => G extends A ? 1 : 2) extends (<G>() => G extends B ? 1 : 2) ? true
  : false;

/** Resolves to `unknown` when the schema's output is exactly `T`, else to an impossible shape. */
type ExactOutput<S extends z.ZodType, T> = Equals<z.output<S>, T> extends true ? unknown
  : { "schema output differs from the interface": T };

/**
 * Declares a schema for interface `T` and checks at compile time that the schema's output type is
 * exactly `T` (no member missing, extra, or of another type). The result is typed `z.ZodType<T>`,
 * an explicit type that JSR can publish without inference. Internal to the package.
 */
export function exactSchema<T>(): <S extends z.ZodType>(
  schema: S & ExactOutput<S, T>,
) => z.ZodType<T> {
  return (schema) => schema as unknown as z.ZodType<T>;
}

/**
 * Deepest nesting of arrays and objects a JSON value bound for a column may have (64 levels); a
 * deeper value fails validation with a message instead of overflowing the stack.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Why PostgreSQL would not store `text` as it is, or `undefined` when it would: `text` and
 * `jsonb` refuse U+0000, and a lone UTF-16 surrogate is stored as U+FFFD, so two distinct
 * strings (two dedup keys) would become one. Internal to the package.
 */
export function storableTextProblem(text: string): string | undefined {
  if (text.includes("\u0000")) {
    return "must not contain U+0000 (PostgreSQL text and jsonb refuse it)";
  }
  if (!text.isWellFormed()) {
    return "must not contain a lone UTF-16 surrogate (PostgreSQL would store U+FFFD instead)";
  }
  return undefined;
}

/** A problem found in a value bound for a JSONB column: where and what. Internal to the package. */
export interface StorableJsonProblem {
  /** Path to the offending member (keys and array indexes). */
  path: (string | number)[];
  /** What is wrong with it. */
  message: string;
}

const NOT_JSON =
  "must be JSON-serialisable (plain objects, arrays, strings, finite numbers, booleans, null)";

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The first reason `value` cannot be stored in a `jsonb` column as it is, or `undefined`: not
 * JSON (see `isJsonValue`), U+0000 or a lone surrogate in a string or key, or nesting deeper
 * than {@link MAX_JSON_DEPTH} (cycles included). Walks the value without recursion, so any
 * depth gives an answer. Internal to the package.
 */
export function storableJsonProblem(value: unknown): StorableJsonProblem | undefined {
  const stack: [unknown, (string | number)[], number][] = [[value, [], 0]];
  while (stack.length > 0) {
    const [item, path, depth] = stack.pop()!;
    if (item === null || typeof item === "boolean") continue;
    if (typeof item === "string") {
      const problem = storableTextProblem(item);
      if (problem !== undefined) return { path, message: `String ${problem}` };
      continue;
    }
    if (typeof item === "number") {
      if (!Number.isFinite(item)) return { path, message: NOT_JSON };
      continue;
    }
    if (typeof item !== "object") return { path, message: NOT_JSON };
    if (depth >= MAX_JSON_DEPTH) {
      return { path, message: `nested more than ${MAX_JSON_DEPTH} levels deep` };
    }
    if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) {
        if (item[i] === undefined) return { path: [...path, i], message: NOT_JSON };
        stack.push([item[i], [...path, i], depth + 1]);
      }
      continue;
    }
    if (!isPlainObject(item)) return { path, message: NOT_JSON };
    const entries = Object.entries(item);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, member] = entries[i];
      const problem = storableTextProblem(key);
      if (problem !== undefined) return { path: [...path, key], message: `Key ${problem}` };
      // A member set to `undefined` is dropped by JSON.stringify, like an absent optional field.
      if (member !== undefined) stack.push([member, [...path, key], depth + 1]);
    }
  }
  return undefined;
}

/**
 * A Zod check that adds the {@link storableJsonProblem} of the value, if any, as an issue on the
 * value itself, the path inside it leading the message (`tags[2]: String must not contain
 * U+0000 …`). Internal to the package.
 */
export function checkStorableJson(value: unknown, ctx: z.RefinementCtx): void {
  const problem = storableJsonProblem(value);
  if (problem === undefined) return;
  const where = problem.path.length === 0 ? "" : `${formatIssuePath(problem.path)}: `;
  ctx.addIssue({ code: "custom", message: `${where}${problem.message}` });
}

/**
 * A string PostgreSQL stores as it is: no U+0000, no lone surrogate ({@link storableTextProblem}).
 * Internal to the package.
 */
export const storableTextSchema: z.ZodString = z.string().superRefine((text, ctx) => {
  const problem = storableTextProblem(text);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: `String ${problem}` });
});

/** A URL (as `z.url()` accepts it) that is also a {@link storableTextSchema}. Internal to the package. */
export const storableUrlSchema: z.ZodType<string> = z.url().superRefine((text, ctx) => {
  const problem = storableTextProblem(text);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: `String ${problem}` });
});

const OFFSET = /([+-])(\d{2}):(\d{2})$/;

/**
 * An ISO 8601 timestamp with `Z` or an offset (`2025-01-02T03:04:05.678+01:00`) that a
 * `timestamptz` column accepts: a real calendar date, year 0001 to 9999 (PostgreSQL has no year
 * 0000), an offset within ±15:59. Internal to the package.
 */
export const storableTimestampSchema: z.ZodType<string> = z.iso.datetime({ offset: true })
  .superRefine((text, ctx) => {
    if (text.startsWith("0000")) {
      ctx.addIssue({ code: "custom", message: "Year 0000 does not exist in PostgreSQL" });
    }
    const offset = OFFSET.exec(text);
    if (offset !== null && (Number(offset[2]) > 15 || Number(offset[3]) > 59)) {
      ctx.addIssue({
        code: "custom",
        message: "UTC offset must be within ±15:59 (PostgreSQL refuses larger ones)",
      });
    }
  });

/**
 * Any value that round-trips through JSON and that a `jsonb` column stores as it is
 * ({@link storableJsonProblem}). Internal to the package.
 */
export const jsonValueSchema: z.ZodType<unknown> = z.unknown().superRefine(checkStorableJson);

/** A string-keyed object that round-trips through JSON and fits `jsonb`. Internal to the package. */
export const jsonRecordSchema: z.ZodType<Record<string, unknown>> = z
  .unknown()
  .superRefine(checkStorableJson)
  .pipe(z.record(z.string(), z.unknown()));
