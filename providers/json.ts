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

/** A scalar's verdict, or `undefined` for an object or array still to look into. */
function scalarVerdict(value: unknown): boolean | undefined {
  if (value === null) return true;
  switch (typeof value) {
    case "boolean":
    case "string":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object":
      return undefined;
    default:
      return false;
  }
}

/** The members to look into of a container, or `undefined` when it is not array or plain. */
function childrenOf(obj: object): unknown[] | undefined {
  if (Array.isArray(obj)) return obj.includes(undefined) ? undefined : obj;
  if (!isPlainObject(obj)) return undefined;
  // A member set to `undefined` is dropped by JSON.stringify, like an absent optional field.
  return Object.values(obj).filter((item) => item !== undefined);
}

/**
 * Depth-first walk with an explicit stack (no recursion, so any depth is fine); `path` holds the
 * containers from the root to the current one, which is how a cycle is told from a value that
 * merely appears twice.
 */
function check(root: unknown): boolean {
  const rootVerdict = scalarVerdict(root);
  if (rootVerdict !== undefined) return rootVerdict;
  const path = new Set<object>();
  const stack: { obj: object; items: unknown[]; next: number }[] = [];
  const enter = (obj: object): boolean => {
    if (path.has(obj)) return false;
    const items = childrenOf(obj);
    if (items === undefined) return false;
    path.add(obj);
    stack.push({ obj, items, next: 0 });
    return true;
  };
  if (!enter(root as object)) return false;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next === frame.items.length) {
      path.delete(frame.obj);
      stack.pop();
      continue;
    }
    const item = frame.items[frame.next++];
    const verdict = scalarVerdict(item);
    if (verdict === false) return false;
    if (verdict === undefined && !enter(item as object)) return false;
  }
  return true;
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
  return check(value);
}

/**
 * Serialises a value `isJsonValue` accepted, keys sorted, with an explicit stack (no recursion,
 * so any depth is fine): each frame is a container with its members still to write.
 */
function writeSorted(root: unknown): string {
  const out: string[] = [];
  type Frame = { close: string; members: [string | undefined, unknown][]; next: number };
  const open = (value: unknown): Frame | undefined => {
    if (value === null || typeof value !== "object") {
      out.push(JSON.stringify(value));
      return undefined;
    }
    if (Array.isArray(value)) {
      out.push("[");
      return { close: "]", members: value.map((item) => [undefined, item]), next: 0 };
    }
    const record = value as Record<string, unknown>;
    out.push("{");
    const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
    return { close: "}", members: keys.map((key) => [key, record[key]]), next: 0 };
  };
  const stack: Frame[] = [];
  const first = open(root);
  if (first) stack.push(first);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next === frame.members.length) {
      out.push(frame.close);
      stack.pop();
      continue;
    }
    const [key, item] = frame.members[frame.next];
    if (frame.next++ > 0) out.push(",");
    if (key !== undefined) out.push(`${JSON.stringify(key)}:`);
    const child = open(item);
    if (child) stack.push(child);
  }
  return out.join("");
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
  return writeSorted(value);
}
