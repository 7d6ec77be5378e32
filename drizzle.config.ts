/**
 * drizzle-kit configuration: the schema modules and the migrations folder.
 *
 * @module
 */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./schema/mod.ts",
  out: "./migrations",
  // Every constraint and index name is spelled out in schema/, so prefixes never matter.
  strict: true,
  verbose: true,
});
