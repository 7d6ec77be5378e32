/**
 * The data contract of the Proliferate platform.
 *
 * @module
 */
export * from "./schema/mod.ts";
