/**
 * Command-line client support: device-code login, the GitHub connection a user picked for an
 * organization, and users' SSH public keys.
 *
 * @module
 */
import {
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { user } from "./auth.ts";
import { organization } from "./organizations.ts";
import type { CliDeviceCodesTable, CliGithubSelectionsTable, UserSshKeysTable } from "./_tables.ts";

/**
 * Device authorization request from the CLI. `userCode` (shown to the user) and `deviceCode`
 * (polled by the CLI) are each unique. `status` starts at `'pending'`; `userId`, `orgId` and
 * `authorizedAt` are filled when the user approves. Expired rows are found by `expiresAt`.
 */
export const cliDeviceCodes: CliDeviceCodesTable = pgTable(
  "cli_device_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userCode: text("user_code").notNull(),
    deviceCode: text("device_code").notNull(),
    userId: text("user_id"),
    orgId: text("org_id"),
    status: text("status").notNull().default("pending"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    authorizedAt: timestamp("authorized_at", { withTimezone: true }),
  },
  (t) => [
    foreignKey({
      name: "cli_device_codes_user_id_fkey",
      columns: [t.userId],
      foreignColumns: [user.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "cli_device_codes_org_id_fkey",
      columns: [t.orgId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    unique("cli_device_codes_user_code_key").on(t.userCode),
    unique("cli_device_codes_device_code_key").on(t.deviceCode),
    // The two plain indexes below duplicate the unique constraints but exist in the database.
    index("idx_cli_device_codes_device_code").on(t.deviceCode),
    index("idx_cli_device_codes_expires").on(t.expiresAt),
    index("idx_cli_device_codes_user_code").on(t.userCode),
  ],
);

/** A `cli_device_codes` row as read from the database. */
export type CliDeviceCodeRow = typeof cliDeviceCodes.$inferSelect;
/** Values accepted when inserting into `cli_device_codes`. */
export type NewCliDeviceCode = typeof cliDeviceCodes.$inferInsert;

/**
 * The GitHub connection a user selected for an organization during CLI setup, valid until
 * `expiresAt`; one row per (user, organization).
 */
export const cliGithubSelections: CliGithubSelectionsTable = pgTable(
  "cli_github_selections",
  {
    userId: text("user_id").notNull(),
    organizationId: text("organization_id").notNull(),
    connectionId: text("connection_id").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    primaryKey({ name: "cli_github_selections_pkey", columns: [t.userId, t.organizationId] }),
    foreignKey({
      name: "cli_github_selections_user_id_fkey",
      columns: [t.userId],
      foreignColumns: [user.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "cli_github_selections_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    index("idx_cli_github_selections_expires_at").on(t.expiresAt),
  ],
);

/** A `cli_github_selections` row as read from the database. */
export type CliGithubSelectionRow = typeof cliGithubSelections.$inferSelect;
/** Values accepted when inserting into `cli_github_selections`. */
export type NewCliGithubSelection = typeof cliGithubSelections.$inferInsert;

/**
 * SSH public key registered by a user; `fingerprint` is unique across all users. Deleted
 * with the user.
 */
export const userSshKeys: UserSshKeysTable = pgTable(
  "user_ssh_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id").notNull(),
    publicKey: text("public_key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    name: text("name"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "user_ssh_keys_user_id_fkey",
      columns: [t.userId],
      foreignColumns: [user.id],
    }).onDelete("cascade"),
    unique("user_ssh_keys_fingerprint_key").on(t.fingerprint),
    index("idx_user_ssh_keys_user").on(t.userId),
  ],
);

/** A `user_ssh_keys` row as read from the database. */
export type UserSshKeyRow = typeof userSshKeys.$inferSelect;
/** Values accepted when inserting into `user_ssh_keys`. */
export type NewUserSshKey = typeof userSshKeys.$inferInsert;
