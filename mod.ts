/**
 * The data contract of the Proliferate platform at vNext: the PostgreSQL schema as Drizzle ORM
 * tables with Zod validators for typed JSONB columns (`./schema`), the integration contracts
 * (`./providers`) and the sandbox contract (`./sandbox`). The migration runner lives in
 * `./migrate`, so importing this module never loads a database driver.
 *
 * Edge runtimes that need only the contracts import `@proliferate/core/providers` or
 * `@proliferate/core/sandbox`, which load no ORM.
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
