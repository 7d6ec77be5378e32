/**
 * Drizzle ORM tables of the Proliferate platform database, one module per domain, and the Zod
 * shapes of their JSONB columns (`json.ts`).
 *
 * @module
 */
export * from "./auth.ts";
export * from "./organizations.ts";
export * from "./repos.ts";
export * from "./configurations.ts";
export * from "./sandbox.ts";
export * from "./sessions.ts";
export * from "./integrations.ts";
export * from "./connectors.ts";
export * from "./slack.ts";
export * from "./secrets.ts";
export * from "./triggers.ts";
export * from "./automations.ts";
export * from "./actions.ts";
export * from "./billing.ts";
export * from "./cli.ts";
export * from "./outbox.ts";
export * from "./json.ts";
export * from "./relations.ts";
