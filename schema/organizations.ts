/**
 * Organizations (the tenants), their members and pending invitations.
 *
 * The first six columns of `organization` and all columns of `member` and `invitation` are
 * camelCase and need double quotes in raw SQL; the billing columns of `organization` are
 * snake_case.
 *
 * @module
 */
import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  foreignKey,
  index,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { actionModesCheck } from "./_checks.ts";
import { user } from "./auth.ts";
import type { ActionModes, BillingSettings } from "./json.ts";
import type { InvitationTable, MemberTable, OrganizationTable } from "./_tables.ts";

/**
 * A tenant; nearly every other table is scoped to one. `slug` is unique. `billing_state` is
 * never NULL (starts as 'unconfigured'); `shadow_balance` is the locally kept credit balance.
 * `action_modes` holds the organization's default action modes, `"<sourceId>:<actionId>"` →
 * allow / deny / require_approval (never NULL, `{}` by default; shape enforced by
 * `organization_action_modes_check`); an automation's own entry beats it. Deleting an
 * organization cascades to its scoped rows but is refused while it has `sessions`.
 */
export const organization: OrganizationTable = pgTable(
  "organization",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    logo: text("logo"),
    createdAt: timestamp("createdAt", { withTimezone: true }).notNull(),
    metadata: text("metadata"),
    allowedDomains: text("allowed_domains").array(),
    isPersonal: boolean("is_personal").default(false),
    autumnCustomerId: text("autumn_customer_id"),
    billingSettings: jsonb("billing_settings").$type<BillingSettings>().default(
      sql`'{"overage_policy": "pause", "overage_cap_cents": null, "overage_used_this_month_cents": 0}'::jsonb`,
    ),
    onboardingComplete: boolean("onboarding_complete").default(false),
    billingState: text("billing_state").notNull().default("unconfigured"),
    billingPlan: text("billing_plan"),
    shadowBalance: numeric("shadow_balance", { precision: 12, scale: 6 }).default("0"),
    shadowBalanceUpdatedAt: timestamp("shadow_balance_updated_at", { withTimezone: true }),
    graceEnteredAt: timestamp("grace_entered_at", { withTimezone: true }),
    graceExpiresAt: timestamp("grace_expires_at", { withTimezone: true }),
    // Drift D2, part of the vNext target (I-30): some databases got it from an unjournaled
    // pre-vNext file, the upgrade adds it (IF NOT EXISTS) to the others; it comes before
    // action_modes on every database. Its shape is undocumented.
    onboardingMeta: jsonb("onboarding_meta"),
    // I-25: NOT NULL DEFAULT '{}' so that a merge into it never meets NULL; the constant
    // default makes the ADD COLUMN metadata-only.
    actionModes: jsonb("action_modes").$type<ActionModes>().notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    unique("organization_slug_key").on(t.slug),
    // The migrated database also has this second unique index on slug; both are kept.
    uniqueIndex("organization_slug_uidx").on(t.slug),
    check("organization_action_modes_check", actionModesCheck),
    index("organization_allowed_domains_idx").using("gin", t.allowedDomains),
    index("organization_autumn_customer_idx")
      .on(t.autumnCustomerId)
      .where(sql`autumn_customer_id IS NOT NULL`),
    index("organization_billing_state_idx").on(t.billingState),
  ],
);

/** An `organization` row as read from the database. */
export type OrganizationRow = typeof organization.$inferSelect;
/** Values for inserting an `organization` row; `id` and `createdAt` have no default. */
export type NewOrganization = typeof organization.$inferInsert;

/**
 * A user's membership of an organization with a free-text `role`. The database does not make
 * (organizationId, userId) unique; the writer must avoid duplicates. Removed with either side.
 */
export const member: MemberTable = pgTable(
  "member",
  {
    id: text("id").primaryKey(),
    organizationId: text("organizationId").notNull(),
    userId: text("userId").notNull(),
    role: text("role").notNull(),
    createdAt: timestamp("createdAt", { withTimezone: true }).notNull(),
  },
  (t) => [
    foreignKey({
      name: "member_organizationId_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    foreignKey({ name: "member_userId_fkey", columns: [t.userId], foreignColumns: [user.id] })
      .onDelete("cascade"),
    index("member_organizationId_idx").on(t.organizationId),
    index("member_userId_idx").on(t.userId),
  ],
);

/** A `member` row as read from the database. */
export type MemberRow = typeof member.$inferSelect;
/** Values for inserting a `member` row; `createdAt` has no default. */
export type NewMember = typeof member.$inferInsert;

/**
 * An invitation of `email` into an organization, sent by `inviterId`, valid until `expiresAt`.
 * `status` and `role` are free text (no CHECK). Removed with the organization or the inviter.
 */
export const invitation: InvitationTable = pgTable(
  "invitation",
  {
    id: text("id").primaryKey(),
    organizationId: text("organizationId").notNull(),
    email: text("email").notNull(),
    role: text("role"),
    status: text("status").notNull(),
    expiresAt: timestamp("expiresAt", { withTimezone: true }).notNull(),
    createdAt: timestamp("createdAt", { withTimezone: true })
      .notNull()
      .default(sql`CURRENT_TIMESTAMP`),
    inviterId: text("inviterId").notNull(),
  },
  (t) => [
    foreignKey({
      name: "invitation_inviterId_fkey",
      columns: [t.inviterId],
      foreignColumns: [user.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "invitation_organizationId_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    index("invitation_email_idx").on(t.email),
    index("invitation_organizationId_idx").on(t.organizationId),
  ],
);

/** An `invitation` row as read from the database. */
export type InvitationRow = typeof invitation.$inferSelect;
/** Values for inserting an `invitation` row. */
export type NewInvitation = typeof invitation.$inferInsert;
