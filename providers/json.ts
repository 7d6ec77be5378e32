/**
 * JSON values: the shape of everything the platform persists to JSONB (event `context` and `raw`,
 * poll cursors, action params and results).
 *
 * @module
 */

/** A value that survives `JSON.stringify` then `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | {
  [key: string]: JsonValue;
};

/** A JSON object: string keys, JSON values. */
export type JsonObject = { [key: string]: JsonValue };

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function check(value: unknown, ancestors: Set<object>): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case "boolean":
    case "string":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object":
      break;
    default:
      return false;
  }
  const obj = value as object;
  if (ancestors.has(obj)) return false;
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) {
      return obj.every((item) => item !== undefined && check(item, ancestors));
    }
    if (!isPlainObject(obj)) return false;
    for (const item of Object.values(obj)) {
      // A member set to `undefined` is dropped by JSON.stringify, like an absent optional field.
      if (item !== undefined && !check(item, ancestors)) return false;
    }
    return true;
  } finally {
    ancestors.delete(obj);
  }
}

/**
 * Whether `value` round-trips through JSON: `null`, booleans, finite numbers, strings, arrays and
 * plain objects of those. Object members set to `undefined` are allowed (JSON drops them);
 * `undefined` elsewhere, `NaN`, `Infinity`, bigints, functions, symbols, class instances (`Date`,
 * `Map`, `Uint8Array`, …) and cycles are not.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isJsonValue } from "@proliferate/core/providers";
 *
 * assert.equal(isJsonValue({ issue: { id: "123", tags: ["a"] } }), true);
 * assert.equal(isJsonValue({ at: new Date() }), false);
 * ```
 */
export function isJsonValue(value: unknown): value is JsonValue {
  return check(value, new Set());
}

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = stable(item);
    }
    return out;
  }
  return value;
}

/**
 * `JSON.stringify` with object keys sorted at every depth (array order kept), so equal values
 * always give the same text. Throws a `TypeError` when `value` is not a {@link JsonValue}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stableStringify } from "@proliferate/core/providers";
 *
 * assert.equal(stableStringify({ b: 1, a: [2, { d: 3, c: 4 }] }), '{"a":[2,{"c":4,"d":3}],"b":1}');
 * ```
 */
export function stableStringify(value: unknown): string {
  if (!isJsonValue(value)) throw new TypeError("stableStringify: value is not JSON-serialisable");
  return JSON.stringify(stable(value));
}
