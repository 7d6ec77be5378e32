/**
 * The one shared Zod ⇄ JSON Schema conversion and the deterministic definition hash used for MCP
 * tool drift detection. Changing the converter or its options changes every hash (false drift), so
 * both are pinned: Zod 4.3.6's built-in `z.toJSONSchema` with the options below.
 *
 * @module
 */
import { z } from "zod";
import type { ActionDefinition } from "./action-source.ts";
import { stableStringify } from "./json.ts";
import { sha256Hex } from "./webhook-crypto.ts";

/** A JSON Schema document as a plain JSON object. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * Converts a Zod schema to JSON Schema (draft 2020-12, input side, unrepresentable parts as `{}`).
 * The single converter for the UI, the agent guide and hashing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { zodToJsonSchema } from "@proliferate/core/providers";
 *
 * const schema = zodToJsonSchema(z.object({ issueId: z.string() }));
 * assert.equal(schema.type, "object");
 * assert.deepEqual(schema.required, ["issueId"]);
 * ```
 */
export function zodToJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
    cycles: "ref",
    reused: "inline",
  }) as JsonSchema;
}

/**
 * Converts a JSON Schema (an MCP tool's `inputSchema`) to a Zod schema, with Zod 4.3.6's
 * `z.fromJSONSchema`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonSchemaToZod } from "@proliferate/core/providers";
 *
 * const params = jsonSchemaToZod({
 *   type: "object",
 *   properties: { query: { type: "string" } },
 *   required: ["query"],
 * });
 * assert.equal(params.safeParse({ query: "x" }).success, true);
 * assert.equal(params.safeParse({}).success, false);
 * ```
 */
export function jsonSchemaToZod(schema: JsonSchema): z.ZodType<unknown> {
  return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
}

/** Keywords removed before hashing: they carry volatile upstream data. */
const VOLATILE_KEYWORDS: ReadonlySet<string> = new Set(["description", "default", "enum"]);

/** Keywords whose value is one subschema. */
const SCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  "additionalProperties",
  "unevaluatedProperties",
  "items",
  "additionalItems",
  "unevaluatedItems",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "contentSchema",
]);

/** Keywords whose value is an array of subschemas. */
const SCHEMA_ARRAY_KEYWORDS: ReadonlySet<string> = new Set([
  "allOf",
  "anyOf",
  "oneOf",
  "prefixItems",
]);

/** Keywords whose value maps names to subschemas (the names themselves are data). */
const SCHEMA_MAP_KEYWORDS: ReadonlySet<string> = new Set([
  "properties",
  "patternProperties",
  "dependentSchemas",
  "$defs",
  "definitions",
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function normalizeSchema(schema: unknown): unknown {
  if (!isObject(schema)) return schema; // `true`/`false` schemas
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (VOLATILE_KEYWORDS.has(keyword)) continue;
    if (SCHEMA_KEYWORDS.has(keyword)) {
      out[keyword] = Array.isArray(value) ? value.map(normalizeSchema) : normalizeSchema(value);
    } else if (SCHEMA_ARRAY_KEYWORDS.has(keyword) && Array.isArray(value)) {
      out[keyword] = value.map(normalizeSchema);
    } else if (SCHEMA_MAP_KEYWORDS.has(keyword) && isObject(value)) {
      const map: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(value)) map[name] = normalizeSchema(sub);
      out[keyword] = map;
    } else {
      // Any other keyword's value is data (`const`, `required`, `examples`, …): kept verbatim.
      out[keyword] = value;
    }
  }
  return out;
}

/**
 * Removes `description`, `default` and `enum` wherever they are keywords (at every schema depth),
 * never where they are property names inside `properties` and never inside data values such as
 * `const`. Known blind spot, accepted against false drift: widening an `enum` does not change the
 * hash.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeJsonSchemaForHash } from "@proliferate/core/providers";
 *
 * assert.deepEqual(
 *   normalizeJsonSchemaForHash({
 *     type: "object",
 *     description: "volatile",
 *     properties: { description: { type: "string", default: "x" } },
 *   }),
 *   { type: "object", properties: { description: { type: "string" } } },
 * );
 * ```
 */
export function normalizeJsonSchemaForHash(schema: JsonSchema): JsonSchema {
  return normalizeSchema(schema) as JsonSchema;
}

/**
 * SHA-256 (lower-case hex, via WebCrypto) of the sorted-key JSON of a normalised JSON Schema. Use
 * it for schemas that already went through {@link zodToJsonSchema}; for a definition use
 * {@link computeDefinitionHash}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashJsonSchema } from "@proliferate/core/providers";
 *
 * const a = await hashJsonSchema({ type: "object", required: ["q"] });
 * const b = await hashJsonSchema({ required: ["q"], type: "object", description: "changed" });
 * assert.equal(a, b);
 * assert.match(a, /^[0-9a-f]{64}$/);
 * ```
 */
export async function hashJsonSchema(schema: JsonSchema): Promise<string> {
  return await sha256Hex(stableStringify(normalizeJsonSchemaForHash(schema)));
}

/**
 * Hash of an action definition for drift detection: {@link hashJsonSchema} of
 * `zodToJsonSchema(def.params)`. It depends only on the params schema (not on the id, the tool
 * name, the description or the clock). For MCP tools, convert the `inputSchema` with
 * {@link jsonSchemaToZod} first, so onboarding and invocation compute the same value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { computeDefinitionHash } from "@proliferate/core/providers";
 *
 * const before = await computeDefinitionHash({ params: z.object({ q: z.string() }) });
 * const renamed = await computeDefinitionHash({ params: z.object({ q: z.string().describe("new") }) });
 * const changed = await computeDefinitionHash({ params: z.object({ q: z.number() }) });
 * assert.equal(before, renamed);
 * assert.notEqual(before, changed);
 * ```
 */
export function computeDefinitionHash(def: Pick<ActionDefinition, "params">): Promise<string> {
  return hashJsonSchema(zodToJsonSchema(def.params));
}
