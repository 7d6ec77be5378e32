/**
 * Identity tables: users, their login sessions, linked sign-in accounts, verification values and
 * API keys, plus the `auth` PostgreSQL schema.
 *
 * These tables keep camelCase column names, so raw SQL must double-quote them (`"userId"`), and
 * the table `"user"` is a reserved word that always needs quoting.
 *
 * @module
 */
import { sql } from "drizzle-orm";
import {
  boolean,
  foreignKey,
  index,
  integer,
  pgSchema,
  pgTable,
  text,
  timestamp,
  unique,
} from "drizzle-orm/pg-core";
import type {
  AccountTable,
  ApikeyTable,
  AuthSchemaType,
  SessionTable,
  UserTable,
  VerificationTable,
} from "./_tables.ts";

/**
 * The `auth` schema. It holds no tables, only the `auth.uid()` stub that the RLS policies of
 * automations and schedules call; that function is written by hand into the migration.
 */
export const authSchema: AuthSchemaType = pgSchema("auth");

/**
 * A person who can sign in; `email` is unique. Deleting a user cascades to their login
 * sessions, accounts, API keys, memberships, sent invitations and CLI data, but is refused while
 * most `created_by` / `added_by` / `installed_by` columns elsewhere still point at them.
 */
export const user: UserTable = pgTable(
  "user",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    emailVerified: boolean("emailVerified").notNull(),
    image: text("image"),
    createdAt: timestamp("createdAt", { withTimezone: true })
      .notNull()
      .default(sql`CURRENT_TIMESTAMP`),
    updatedAt: timestamp("updatedAt", { withTimezone: true })
      .notNull()
      .default(sql`CURRENT_TIMESTAMP`),
  },
  (t) => [unique("user_email_key").on(t.email)],
);

/** A `user` row as read from the database. */
export type UserRow = typeof user.$inferSelect;
/** Values for inserting a `user` row; the caller supplies `id`. */
export type NewUser = typeof user.$inferInsert;

/**
 * A login session of a user (not an agent session: those live in `sessions`). `token` is
 * unique; `activeOrganizationId` is plain text with no foreign key, so it may name an
 * organization that no longer exists.
 */
export const session: SessionTable = pgTable(
  "session",
  {
    id: text("id").primaryKey(),
    expiresAt: timestamp("expiresAt", { withTimezone: true }).notNull(),
    token: text("token").notNull(),
    createdAt: timestamp("createdAt", { withTimezone: true })
      .notNull()
      .default(sql`CURRENT_TIMESTAMP`),
    updatedAt: timestamp("updatedAt", { withTimezone: true }).notNull(),
    ipAddress: text("ipAddress"),
    userAgent: text("userAgent"),
    userId: text("userId").notNull(),
    activeOrganizationId: text("activeOrganizationId"),
  },
  (t) => [
    foreignKey({ name: "session_userId_fkey", columns: [t.userId], foreignColumns: [user.id] })
      .onDelete("cascade"),
    unique("session_token_key").on(t.token),
    index("session_userId_idx").on(t.userId),
  ],
);

/** A login `session` row as read from the database. */
export type AuthSessionRow = typeof session.$inferSelect;
/** Values for inserting a login `session` row; `updatedAt` has no default. */
export type NewAuthSession = typeof session.$inferInsert;

/**
 * One way a user signs in: an external identity (`providerId` + `accountId`, with its OAuth
 * tokens) or a password credential. Removed with its user.
 */
export const account: AccountTable = pgTable(
  "account",
  {
    id: text("id").primaryKey(),
    accountId: text("accountId").notNull(),
    providerId: text("providerId").notNull(),
    userId: text("userId").notNull(),
    accessToken: text("accessToken"),
    refreshToken: text("refreshToken"),
    idToken: text("idToken"),
    accessTokenExpiresAt: timestamp("accessTokenExpiresAt", { withTimezone: true }),
    refreshTokenExpiresAt: timestamp("refreshTokenExpiresAt", { withTimezone: true }),
    scope: text("scope"),
    password: text("password"),
    createdAt: timestamp("createdAt", { withTimezone: true })
      .notNull()
      .default(sql`CURRENT_TIMESTAMP`),
    updatedAt: timestamp("updatedAt", { withTimezone: true }).notNull(),
  },
  (t) => [
    foreignKey({ name: "account_userId_fkey", columns: [t.userId], foreignColumns: [user.id] })
      .onDelete("cascade"),
    index("account_userId_idx").on(t.userId),
  ],
);

/** An `account` row as read from the database. */
export type AccountRow = typeof account.$inferSelect;
/** Values for inserting an `account` row; `updatedAt` has no default. */
export type NewAccount = typeof account.$inferInsert;

/**
 * A one-time value (such as an email confirmation) looked up by `identifier` and valid until
 * `expiresAt`. Not tied to a user row by any foreign key.
 */
export const verification: VerificationTable = pgTable(
  "verification",
  {
    id: text("id").primaryKey(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: timestamp("expiresAt", { withTimezone: true }).notNull(),
    createdAt: timestamp("createdAt", { withTimezone: true })
      .notNull()
      .default(sql`CURRENT_TIMESTAMP`),
    updatedAt: timestamp("updatedAt", { withTimezone: true })
      .notNull()
      .default(sql`CURRENT_TIMESTAMP`),
  },
  (t) => [index("verification_identifier_idx").on(t.identifier)],
);

/** A `verification` row as read from the database. */
export type VerificationRow = typeof verification.$inferSelect;
/** Values for inserting a `verification` row. */
export type NewVerification = typeof verification.$inferInsert;

/**
 * An API key of a user, found by `key` (indexed, not unique); `start` / `prefix` are the part
 * safe to show. The `refill*`, `remaining` and `rateLimit*` columns hold optional quotas;
 * `permissions` and `metadata` are serialized text, not jsonb. Removed with its user.
 */
export const apikey: ApikeyTable = pgTable(
  "apikey",
  {
    id: text("id").primaryKey(),
    name: text("name"),
    start: text("start"),
    prefix: text("prefix"),
    key: text("key").notNull(),
    userId: text("userId").notNull(),
    refillInterval: integer("refillInterval"),
    refillAmount: integer("refillAmount"),
    lastRefillAt: timestamp("lastRefillAt", { withTimezone: true }),
    enabled: boolean("enabled"),
    rateLimitEnabled: boolean("rateLimitEnabled"),
    rateLimitTimeWindow: integer("rateLimitTimeWindow"),
    rateLimitMax: integer("rateLimitMax"),
    requestCount: integer("requestCount"),
    remaining: integer("remaining"),
    lastRequest: timestamp("lastRequest", { withTimezone: true }),
    expiresAt: timestamp("expiresAt", { withTimezone: true }),
    createdAt: timestamp("createdAt", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updatedAt", { withTimezone: true }).notNull(),
    permissions: text("permissions"),
    metadata: text("metadata"),
  },
  (t) => [
    foreignKey({ name: "apikey_userId_fkey", columns: [t.userId], foreignColumns: [user.id] })
      .onDelete("cascade"),
    index("apikey_key_idx").on(t.key),
    index("apikey_userId_idx").on(t.userId),
  ],
);

/** An `apikey` row as read from the database. */
export type ApiKeyRow = typeof apikey.$inferSelect;
/** Values for inserting an `apikey` row; `createdAt` and `updatedAt` have no default. */
export type NewApiKey = typeof apikey.$inferInsert;
