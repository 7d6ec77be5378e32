/**
 * The data contract of the Proliferate platform at vNext: the PostgreSQL schema as Drizzle ORM
 * tables with Zod validators for typed JSONB columns (`./schema`), the integration contracts
 * (`./providers`) and the sandbox contract (`./sandbox`). The migration runner lives in
 * `./migrate`, so importing this module never loads a database driver.
 *
 * Edge runtimes that need only the contracts import `@proliferate/core/providers` or
 * `@proliferate/core/sandbox`, which load no ORM.
 *
 * Supported drizzle-orm: 0.44.7 to 0.45.x (a test type-checks a consumer on both ends). Deno's
 * specifiers cannot state `>=0.44.7 <0.46`, so deno.json asks for `0.x`: the consumer's own
 * drizzle-orm then satisfies it, and the app and the tables share one copy of drizzle's types.
 * zod (`^4.3.6`) and postgres (`^3.4.9`) are caret ranges; deno.lock keeps this repository exact.
 *
 * @example Read a table and a contract type from one import
 * ```ts
 * import { actionModesSchema, configurations, type NormalizedTriggerEvent } from "@proliferate/core";
 *
 * const modes = actionModesSchema.parse({ "linear:create_issue": "require_approval" });
 * const event: Pick<NormalizedTriggerEvent, "provider"> = { provider: "linear" };
 * console.log(configurations.id.name, modes["linear:create_issue"], event.provider);
 * ```
 *
 * @module
 */
export * from "./schema/mod.ts";
export * from "./providers/mod.ts";
export * from "./sandbox/mod.ts";
