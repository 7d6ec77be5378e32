/**
 * Validation at process boundaries: parse with a contract schema, or throw an error that names the
 * bad field.
 *
 * @module
 */
import { z } from "zod";
import { isJsonValue } from "./json.ts";

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

const NOT_JSON =
  "must be JSON-serialisable (plain objects, arrays, strings, finite numbers, booleans, null)";

// A plain boolean check: a type-guard refinement would narrow the output away from the interfaces.
const isJson = (value: unknown): boolean => isJsonValue(value);

/** Any value that round-trips through JSON (see `isJsonValue`). Internal to the package. */
export const jsonValueSchema: z.ZodType<unknown> = z.unknown().refine(isJson, NOT_JSON);

/** A string-keyed object that round-trips through JSON. Internal to the package. */
export const jsonRecordSchema: z.ZodType<Record<string, unknown>> = z
  .record(z.string(), z.unknown())
  .refine(isJson, NOT_JSON);
