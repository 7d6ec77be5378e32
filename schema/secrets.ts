/**
 * Organization secrets, and the configuration-scoped files and links that put them into a
 * sandbox (`secret_files`, `configuration_secrets`; decision I-23, design A).
 *
 * Values are stored encrypted by the application, only in `secrets`; the database never sees
 * plaintext. vNext dropped the pre-vNext `secret_bundles` table and `secrets.bundle_id`: the
 * upgrade carried every bundle with a `target_path` forward into `secret_files` and
 * `configuration_secrets` for each configuration of the bundle's organization (it refused to run
 * while a bundle had no such configuration). A configuration linked to repos of two
 * organizations got one file per path: the members of both organizations' bundles at that path
 * are linked to it, and its `organization_id` is that of the older bundle.
 *
 * @module
 */
import { sql } from "drizzle-orm";
import {
  check,
  foreignKey,
  index,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { orgWideSecretPredicate } from "./_checks.ts";
import { user } from "./auth.ts";
import { configurations } from "./configurations.ts";
import { organization } from "./organizations.ts";
import { repos } from "./repos.ts";
import type { ConfigurationSecretsTable, SecretFilesTable, SecretsTable } from "./_tables.ts";

/**
 * One encrypted key/value secret. Scope is the organization, optionally narrowed to a repo
 * and/or a configuration; both cascade on delete. `secretType` defaults to `'env'`.
 * Uniqueness is (organization, repo, key, configuration) with ordinary NULL semantics, so the
 * partial unique index `secrets_org_key_unique_when_org_wide` separately makes a key unique among
 * an organization's org-wide secrets (repo and configuration both NULL; drift D3, I-30).
 */
export const secrets: SecretsTable = pgTable(
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
    unique("secrets_org_repo_configuration_key_unique").on(
      t.organizationId,
      t.repoId,
      t.key,
      t.configurationId,
    ),
    // Drift D3 (I-30): created by an unjournaled pre-vNext file on some databases, by the
    // upgrade (IF NOT EXISTS) on the others; the predicate followed the column rename.
    uniqueIndex("secrets_org_key_unique_when_org_wide")
      .on(t.organizationId, t.key)
      .where(orgWideSecretPredicate),
    index("idx_secrets_org").on(t.organizationId),
    index("idx_secrets_repo").on(t.repoId),
  ],
);

/** A `secrets` row as read from the database (`encryptedValue` is ciphertext). */
export type SecretRow = typeof secrets.$inferSelect;
/** Values accepted when inserting into `secrets`; `encryptedValue` must already be encrypted. */
export type NewSecret = typeof secrets.$inferInsert;

/**
 * A file a configuration's sandbox gets at boot (e.g. `app/.env.local`), filled with the
 * secrets linked to it through `configuration_secrets`. `file_path` is unique per
 * configuration and must be relative, non-empty, without a drive letter and without a `..`
 * segment (`secret_files_path_check`, the old bundle target-path rule). `organization_id` is
 * the tenant (configurations have no organization column). Removed with its configuration or
 * organization, together with its secret links.
 */
export const secretFiles: SecretFilesTable = pgTable(
  "secret_files",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    configurationId: uuid("configuration_id").notNull(),
    filePath: text("file_path").notNull(),
    description: text("description"),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "secret_files_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "secret_files_configuration_id_fkey",
      columns: [t.configurationId],
      foreignColumns: [configurations.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "secret_files_created_by_fkey",
      columns: [t.createdBy],
      foreignColumns: [user.id],
    }).onDelete("no action"),
    unique("secret_files_configuration_id_file_path_key").on(t.configurationId, t.filePath),
    // Target of the composite FK from configuration_secrets: a linked file must belong to the
    // same configuration as the link.
    unique("secret_files_configuration_id_id_key").on(t.configurationId, t.id),
    check(
      "secret_files_path_check",
      sql`file_path <> ''::text AND file_path !~ '^/'::text AND file_path !~ '^[A-Za-z]:'::text AND file_path !~ '(^|/)\\.\\.(/|$)'::text`,
    ),
    index("idx_secret_files_org").on(t.organizationId),
  ],
);

/** A `secret_files` row as read from the database. */
export type SecretFileRow = typeof secretFiles.$inferSelect;
/** Values for inserting a `secret_files` row. */
export type NewSecretFile = typeof secretFiles.$inferInsert;

/**
 * A secret a configuration's sandbox receives, once per (configuration_id, secret_id): as an
 * environment variable when `secret_file_id` is NULL, else written into that file, which must
 * belong to the same configuration (composite FK `configuration_secrets_secret_file_id_fkey`).
 * The value stays encrypted in `secrets`. Removed with the configuration, the secret or the
 * file. Application rule: keys written into one file are distinct.
 */
export const configurationSecrets: ConfigurationSecretsTable = pgTable(
  "configuration_secrets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    configurationId: uuid("configuration_id").notNull(),
    secretId: uuid("secret_id").notNull(),
    secretFileId: uuid("secret_file_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "configuration_secrets_configuration_id_fkey",
      columns: [t.configurationId],
      foreignColumns: [configurations.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "configuration_secrets_secret_id_fkey",
      columns: [t.secretId],
      foreignColumns: [secrets.id],
    }).onDelete("cascade"),
    // MATCH SIMPLE: a NULL secret_file_id skips the check.
    foreignKey({
      name: "configuration_secrets_secret_file_id_fkey",
      columns: [t.configurationId, t.secretFileId],
      foreignColumns: [secretFiles.configurationId, secretFiles.id],
    }).onDelete("cascade"),
    unique("configuration_secrets_configuration_id_secret_id_key").on(
      t.configurationId,
      t.secretId,
    ),
    index("idx_configuration_secrets_secret").on(t.secretId),
    index("idx_configuration_secrets_secret_file").on(t.secretFileId),
  ],
);

/** A `configuration_secrets` row as read from the database. */
export type ConfigurationSecretRow = typeof configurationSecrets.$inferSelect;
/** Values for inserting a `configuration_secrets` row. */
export type NewConfigurationSecret = typeof configurationSecrets.$inferInsert;
