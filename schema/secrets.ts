/**
 * Organization secrets and the bundles that group them.
 *
 * Values are stored encrypted by the application; the database never sees plaintext.
 *
 * @module
 */
import { foreignKey, index, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { user } from "./auth.ts";
import { organization } from "./organizations.ts";
import { configurations } from "./configurations.ts";
import { repos } from "./repos.ts";

/**
 * Named group of secrets within an organization, unique by name per organization
 * (`secret_bundles_org_name_unique`). Deleting a bundle keeps its secrets and clears their
 * `bundleId`.
 */
export const secretBundles = pgTable(
  "secret_bundles",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
    // Drift D9: the migrated database appends target_path after updated_at (added by a later
    // ALTER TABLE); the column order follows the database.
    targetPath: text("target_path"),
  },
  (t) => [
    foreignKey({
      name: "secret_bundles_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "secret_bundles_created_by_fkey",
      columns: [t.createdBy],
      foreignColumns: [user.id],
    }),
    unique("secret_bundles_org_name_unique").on(t.organizationId, t.name),
    index("idx_secret_bundles_org").on(t.organizationId),
  ],
);

/** A `secret_bundles` row as read from the database. */
export type SecretBundleRow = typeof secretBundles.$inferSelect;
/** Values accepted when inserting into `secret_bundles`. */
export type NewSecretBundle = typeof secretBundles.$inferInsert;

/**
 * One encrypted key/value secret. Scope is the organization, optionally narrowed to a repo
 * and/or a configuration; both cascade on delete. `secretType` defaults to `'env'`.
 * Uniqueness is (organization, repo, key, configuration) with ordinary NULL semantics, so two
 * organization-wide secrets (repo and configuration NULL) with the same key are not rejected.
 */
export const secrets = pgTable(
  "secrets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    repoId: uuid("repo_id"),
    key: text("key").notNull(),
    encryptedValue: text("encrypted_value").notNull(),
    secretType: text("secret_type").default("env"),
    description: text("description"),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
    configurationId: uuid("configuration_id"),
    bundleId: uuid("bundle_id"),
  },
  (t) => [
    foreignKey({
      name: "secrets_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "secrets_repo_id_fkey",
      columns: [t.repoId],
      foreignColumns: [repos.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "secrets_created_by_fkey",
      columns: [t.createdBy],
      foreignColumns: [user.id],
    }),
    foreignKey({
      name: "secrets_configuration_id_fkey",
      columns: [t.configurationId],
      foreignColumns: [configurations.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "secrets_bundle_id_fkey",
      columns: [t.bundleId],
      foreignColumns: [secretBundles.id],
    }).onDelete("set null"),
    unique("secrets_org_repo_configuration_key_unique").on(
      t.organizationId,
      t.repoId,
      t.key,
      t.configurationId,
    ),
    index("idx_secrets_org").on(t.organizationId),
    index("idx_secrets_repo").on(t.repoId),
    index("idx_secrets_bundle").on(t.bundleId),
  ],
);

/** A `secrets` row as read from the database (`encryptedValue` is ciphertext). */
export type SecretRow = typeof secrets.$inferSelect;
/** Values accepted when inserting into `secrets`; `encryptedValue` must already be encrypted. */
export type NewSecret = typeof secrets.$inferInsert;
