/**
 * Slack workspaces installed into organizations and the threads that drive sessions.
 *
 * @module
 */
import {
  check,
  foreignKey,
  index,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { SLACK_INSTALLATION_STATUSES, type SlackInstallationStatus } from "../providers/mod.ts";
import { oneOf } from "./_checks.ts";
import { user } from "./auth.ts";
import { organization } from "./organizations.ts";
import { repos } from "./repos.ts";
import { sessions } from "./sessions.ts";
import type { SlackConversationsTable, SlackInstallationsTable } from "./_tables.ts";

/**
 * A Slack workspace (`team_id`) installed into an organization, once per (organization_id,
 * team_id). `encrypted_bot_token` is stored encrypted, never in clear; `status` is active
 * (default) or revoked; the `support_*` columns describe the shared support channel and its
 * invite, `connect_channel_id` / `invite_url` the connect channel and its invite.
 * Removed with its organization.
 */
export const slackInstallations: SlackInstallationsTable = pgTable(
  "slack_installations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    teamId: text("team_id").notNull(),
    teamName: text("team_name"),
    encryptedBotToken: text("encrypted_bot_token").notNull(),
    botUserId: text("bot_user_id").notNull(),
    scopes: text("scopes").array(),
    installedBy: text("installed_by"),
    status: text("status").$type<SlackInstallationStatus>().default("active"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
    supportChannelId: text("support_channel_id"),
    supportChannelName: text("support_channel_name"),
    supportInviteId: text("support_invite_id"),
    supportInviteUrl: text("support_invite_url"),
    // I-29: in the old and vNext specs but in no pre-vNext migration; nullable, no reader yet.
    connectChannelId: text("connect_channel_id"),
    inviteUrl: text("invite_url"),
  },
  (t) => [
    foreignKey({
      name: "slack_installations_installed_by_fkey",
      columns: [t.installedBy],
      foreignColumns: [user.id],
    }).onDelete("no action"),
    foreignKey({
      name: "slack_installations_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    unique("slack_installations_organization_id_team_id_key").on(t.organizationId, t.teamId),
    check("slack_installations_status_check", oneOf("status", SLACK_INSTALLATION_STATUSES)),
    index("idx_slack_installations_org").on(t.organizationId),
    index("idx_slack_installations_team").on(t.teamId),
  ],
);

/** A `slack_installations` row as read from the database. */
export type SlackInstallationRow = typeof slackInstallations.$inferSelect;
/** Values for inserting a `slack_installations` row. */
export type NewSlackInstallation = typeof slackInstallations.$inferInsert;

/**
 * A Slack thread, unique per (slack_installation_id, channel_id, thread_ts), and the session it
 * drives. `status` starts at 'active' (no CHECK); `pending_prompt` holds a prompt not yet sent.
 * Deleting the session clears `session_id`; a referenced repo cannot be deleted; removed with
 * its installation.
 */
export const slackConversations: SlackConversationsTable = pgTable(
  "slack_conversations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slackInstallationId: uuid("slack_installation_id").notNull(),
    channelId: text("channel_id").notNull(),
    threadTs: text("thread_ts").notNull(),
    sessionId: uuid("session_id"),
    repoId: uuid("repo_id"),
    startedBySlackUserId: text("started_by_slack_user_id"),
    status: text("status").default("active"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    lastMessageAt: timestamp("last_message_at", { withTimezone: true }).defaultNow(),
    pendingPrompt: text("pending_prompt"),
  },
  (t) => [
    foreignKey({
      name: "slack_conversations_repo_id_fkey",
      columns: [t.repoId],
      foreignColumns: [repos.id],
    }).onDelete("no action"),
    foreignKey({
      name: "slack_conversations_session_id_fkey",
      columns: [t.sessionId],
      foreignColumns: [sessions.id],
    }).onDelete("set null"),
    foreignKey({
      name: "slack_conversations_slack_installation_id_fkey",
      columns: [t.slackInstallationId],
      foreignColumns: [slackInstallations.id],
    }).onDelete("cascade"),
    // PostgreSQL truncated this name to 63 bytes when it generated it; kept as the database has it.
    unique("slack_conversations_slack_installation_id_channel_id_thread_key").on(
      t.slackInstallationId,
      t.channelId,
      t.threadTs,
    ),
    index("idx_slack_conversations_installation").on(t.slackInstallationId),
    index("idx_slack_conversations_session").on(t.sessionId),
    index("idx_slack_conversations_thread").on(t.channelId, t.threadTs),
  ],
);

/** A `slack_conversations` row as read from the database. */
export type SlackConversationRow = typeof slackConversations.$inferSelect;
/** Values for inserting a `slack_conversations` row. */
export type NewSlackConversation = typeof slackConversations.$inferInsert;
