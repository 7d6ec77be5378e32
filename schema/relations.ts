/**
 * Drizzle relations for the relational query API (`db.query.<table>.findMany({ with })`): one
 * `one()` per foreign key on the table that holds it, and the matching `many()` on the table it
 * references. Relations add no DDL; only foreign keys declared in the table modules appear here.
 *
 * Naming: the `one()` side is the column without its `Id` (`configuration`, `repo`,
 * `defaultConfiguration`, `parentSession`, `inviter`); a `*_by` / `assigned_to` column gets a
 * `User` suffix (`createdByUser`, `addedByUser`, `assignedToUser`) because the bare name is
 * already the column's property (likewise `linkedIntegration` on `action_invocations`, which has
 * an `integration` column). The `many()` side is the referencing table's export name
 * (`configurationRepos`, `sessions`), except on `user`, whose many sides say the role
 * (`createdSessions`, `cliConfigurations`, `loginSessions`). Where one table is linked to
 * another by two foreign keys, `relationName` pairs each `one()` with its `many()`.
 *
 * @example Read a session with its configuration and the repos that configuration mounts
 * ```ts
 * import assert from "node:assert/strict";
 * import { drizzle } from "drizzle-orm/postgres-js";
 * import postgres from "postgres";
 * import * as schema from "./mod.ts";
 *
 * const db = drizzle(postgres("postgres://localhost/proliferate"), { schema });
 * const query = db.query.sessions.findFirst({
 *   where: (s, { eq }) => eq(s.status, "running"),
 *   with: { configuration: { with: { configurationRepos: { with: { repo: true } } } } },
 * });
 * assert.match(query.toSQL().sql, /"configuration_repos"/);
 * ```
 *
 * @module
 */
import { relations } from "drizzle-orm";
import { actionInvocations } from "./actions.ts";
import { account, apikey, session, user } from "./auth.ts";
import {
  automationConnections,
  automationRunEvents,
  automationRuns,
  automations,
  automationSideEffects,
  schedules,
} from "./automations.ts";
import { billingEvents, billingReconciliations, llmSpendCursors } from "./billing.ts";
import { cliDeviceCodes, cliGithubSelections, userSshKeys } from "./cli.ts";
import { configurationRepos, configurations } from "./configurations.ts";
import { orgConnectors } from "./connectors.ts";
import { integrations, repoConnections, userConnections } from "./integrations.ts";
import { invitation, member, organization } from "./organizations.ts";
import { outbox } from "./outbox.ts";
import { repos } from "./repos.ts";
import { configurationSecrets, secretFiles, secrets } from "./secrets.ts";
import { sessionConnections, sessions, sessionToolInvocations } from "./sessions.ts";
import { slackConversations, slackInstallations } from "./slack.ts";
import { triggerEventActions, triggerEvents, triggerPollGroups, triggers } from "./triggers.ts";
import type {
  AccountRelations,
  ActionInvocationsRelations,
  ApikeyRelations,
  AutomationConnectionsRelations,
  AutomationRunEventsRelations,
  AutomationRunsRelations,
  AutomationSideEffectsRelations,
  AutomationsRelations,
  BillingEventsRelations,
  BillingReconciliationsRelations,
  CliDeviceCodesRelations,
  CliGithubSelectionsRelations,
  ConfigurationReposRelations,
  ConfigurationSecretsRelations,
  ConfigurationsRelations,
  IntegrationsRelations,
  InvitationRelations,
  LlmSpendCursorsRelations,
  MemberRelations,
  OrganizationRelations,
  OrgConnectorsRelations,
  OutboxRelations,
  RepoConnectionsRelations,
  ReposRelations,
  SchedulesRelations,
  SecretFilesRelations,
  SecretsRelations,
  SessionConnectionsRelations,
  SessionRelations,
  SessionsRelations,
  SessionToolInvocationsRelations,
  SlackConversationsRelations,
  SlackInstallationsRelations,
  TriggerEventActionsRelations,
  TriggerEventsRelations,
  TriggerPollGroupsRelations,
  TriggersRelations,
  UserConnectionsRelations,
  UserRelations,
  UserSshKeysRelations,
} from "./_tables.ts";

// ---------------------------------------------------------------------------------------------
// Identity: user, login sessions, accounts, API keys

/**
 * A user's rows elsewhere, named by the role the user plays in them: what they created, added,
 * installed, performed or are assigned to, plus their own logins, memberships and CLI data.
 */
export const userRelations: UserRelations = relations(user, ({ many }) => ({
  loginSessions: many(session),
  accounts: many(account),
  apiKeys: many(apikey),
  memberships: many(member),
  sentInvitations: many(invitation),
  addedRepos: many(repos),
  createdConfigurations: many(configurations, { relationName: "configurationCreator" }),
  /** CLI configurations owned by the user (`configurations.user_id`, set with a local path). */
  cliConfigurations: many(configurations, { relationName: "configurationOwner" }),
  createdSessions: many(sessions),
  createdIntegrations: many(integrations),
  userConnections: many(userConnections),
  createdOrgConnectors: many(orgConnectors),
  installedSlackInstallations: many(slackInstallations),
  createdSecrets: many(secrets),
  createdSecretFiles: many(secretFiles),
  createdTriggers: many(triggers),
  createdAutomations: many(automations),
  createdSchedules: many(schedules),
  assignedAutomationRuns: many(automationRuns),
  performedBillingReconciliations: many(billingReconciliations),
  cliDeviceCodes: many(cliDeviceCodes),
  cliGithubSelections: many(cliGithubSelections),
  sshKeys: many(userSshKeys),
}));

/** A login session's user (`session.userId`). */
export const sessionRelations: SessionRelations = relations(session, ({ one }) => ({
  user: one(user, { fields: [session.userId], references: [user.id] }),
}));

/** A linked sign-in account's user (`account.userId`). */
export const accountRelations: AccountRelations = relations(account, ({ one }) => ({
  user: one(user, { fields: [account.userId], references: [user.id] }),
}));

/** An API key's user (`apikey.userId`). */
export const apikeyRelations: ApikeyRelations = relations(apikey, ({ one }) => ({
  user: one(user, { fields: [apikey.userId], references: [user.id] }),
}));

// ---------------------------------------------------------------------------------------------
// Organizations

/** Every organization-scoped table, by its export name. */
export const organizationRelations: OrganizationRelations = relations(organization, ({ many }) => ({
  members: many(member),
  invitations: many(invitation),
  repos: many(repos),
  sessions: many(sessions),
  integrations: many(integrations),
  userConnections: many(userConnections),
  orgConnectors: many(orgConnectors),
  slackInstallations: many(slackInstallations),
  secrets: many(secrets),
  secretFiles: many(secretFiles),
  triggers: many(triggers),
  triggerEvents: many(triggerEvents),
  triggerPollGroups: many(triggerPollGroups),
  automations: many(automations),
  schedules: many(schedules),
  automationRuns: many(automationRuns),
  automationSideEffects: many(automationSideEffects),
  actionInvocations: many(actionInvocations),
  billingEvents: many(billingEvents),
  billingReconciliations: many(billingReconciliations),
  /** At most one row: the cursor's primary key is the organization. */
  llmSpendCursors: many(llmSpendCursors),
  cliDeviceCodes: many(cliDeviceCodes),
  cliGithubSelections: many(cliGithubSelections),
  outbox: many(outbox),
}));

/** A membership's organization and user. */
export const memberRelations: MemberRelations = relations(member, ({ one }) => ({
  organization: one(organization, {
    fields: [member.organizationId],
    references: [organization.id],
  }),
  user: one(user, { fields: [member.userId], references: [user.id] }),
}));

/** An invitation's organization and the user who sent it (`inviterId`). */
export const invitationRelations: InvitationRelations = relations(invitation, ({ one }) => ({
  organization: one(organization, {
    fields: [invitation.organizationId],
    references: [organization.id],
  }),
  inviter: one(user, { fields: [invitation.inviterId], references: [user.id] }),
}));

// ---------------------------------------------------------------------------------------------
// Repos and configurations

/** A repo's organization and adder, and the configurations, sessions and secrets using it. */
export const reposRelations: ReposRelations = relations(repos, ({ one, many }) => ({
  organization: one(organization, {
    fields: [repos.organizationId],
    references: [organization.id],
  }),
  addedByUser: one(user, { fields: [repos.addedBy], references: [user.id] }),
  configurationRepos: many(configurationRepos),
  repoConnections: many(repoConnections),
  sessions: many(sessions),
  secrets: many(secrets),
  slackConversations: many(slackConversations),
}));

/**
 * A configuration's creator and CLI owner (two keys to `user`, paired by `relationName`), the
 * repos it mounts (`configurationRepos`), and the sessions, automations (through
 * `default_configuration_id`), scoped secrets, secret files and secret links that use it.
 */
export const configurationsRelations: ConfigurationsRelations = relations(
  configurations,
  ({ one, many }) => ({
    createdByUser: one(user, {
      fields: [configurations.createdBy],
      references: [user.id],
      relationName: "configurationCreator",
    }),
    /** The CLI user owning the configuration (`user_id`); NULL for non-CLI configurations. */
    user: one(user, {
      fields: [configurations.userId],
      references: [user.id],
      relationName: "configurationOwner",
    }),
    configurationRepos: many(configurationRepos),
    sessions: many(sessions),
    automations: many(automations),
    secrets: many(secrets),
    secretFiles: many(secretFiles),
    configurationSecrets: many(configurationSecrets),
  }),
);

/** A configuration–repo link's configuration and repo. */
export const configurationReposRelations: ConfigurationReposRelations = relations(
  configurationRepos,
  ({ one }) => ({
    configuration: one(configurations, {
      fields: [configurationRepos.configurationId],
      references: [configurations.id],
    }),
    repo: one(repos, { fields: [configurationRepos.repoId], references: [repos.id] }),
  }),
);

// ---------------------------------------------------------------------------------------------
// Sessions

/**
 * An agent session's organization, creator, repo, configuration, automation, trigger and
 * trigger event, its parent and child sessions (`parentSession` / `childSessions`), and the rows
 * hanging off it. `triggerEvent` is the event the session was started for
 * (`sessions.trigger_event_id`); `triggerEvents` are the events that name this session
 * (`trigger_events.session_id`).
 */
export const sessionsRelations: SessionsRelations = relations(sessions, ({ one, many }) => ({
  organization: one(organization, {
    fields: [sessions.organizationId],
    references: [organization.id],
  }),
  createdByUser: one(user, { fields: [sessions.createdBy], references: [user.id] }),
  repo: one(repos, { fields: [sessions.repoId], references: [repos.id] }),
  configuration: one(configurations, {
    fields: [sessions.configurationId],
    references: [configurations.id],
  }),
  automation: one(automations, {
    fields: [sessions.automationId],
    references: [automations.id],
  }),
  trigger: one(triggers, { fields: [sessions.triggerId], references: [triggers.id] }),
  triggerEvent: one(triggerEvents, {
    fields: [sessions.triggerEventId],
    references: [triggerEvents.id],
    relationName: "sessionTriggerEvent",
  }),
  parentSession: one(sessions, {
    fields: [sessions.parentSessionId],
    references: [sessions.id],
    relationName: "sessionParent",
  }),
  childSessions: many(sessions, { relationName: "sessionParent" }),
  triggerEvents: many(triggerEvents, { relationName: "triggerEventSession" }),
  sessionConnections: many(sessionConnections),
  sessionToolInvocations: many(sessionToolInvocations),
  actionInvocations: many(actionInvocations),
  automationRuns: many(automationRuns),
  slackConversations: many(slackConversations),
}));

/** A session–integration link's session and integration. */
export const sessionConnectionsRelations: SessionConnectionsRelations = relations(
  sessionConnections,
  ({ one }) => ({
    session: one(sessions, { fields: [sessionConnections.sessionId], references: [sessions.id] }),
    integration: one(integrations, {
      fields: [sessionConnections.integrationId],
      references: [integrations.id],
    }),
  }),
);

/** A tool call's session. */
export const sessionToolInvocationsRelations: SessionToolInvocationsRelations = relations(
  sessionToolInvocations,
  ({ one }) => ({
    session: one(sessions, {
      fields: [sessionToolInvocations.sessionId],
      references: [sessions.id],
    }),
  }),
);

// ---------------------------------------------------------------------------------------------
// Integrations, connectors, Slack

/** An integration's organization and creator, and every link, trigger and action using it. */
export const integrationsRelations: IntegrationsRelations = relations(
  integrations,
  ({ one, many }) => ({
    organization: one(organization, {
      fields: [integrations.organizationId],
      references: [organization.id],
    }),
    createdByUser: one(user, { fields: [integrations.createdBy], references: [user.id] }),
    repoConnections: many(repoConnections),
    sessionConnections: many(sessionConnections),
    automationConnections: many(automationConnections),
    triggers: many(triggers),
    triggerPollGroups: many(triggerPollGroups),
    actionInvocations: many(actionInvocations),
  }),
);

/** A repo–integration link's repo and integration. */
export const repoConnectionsRelations: RepoConnectionsRelations = relations(
  repoConnections,
  ({ one }) => ({
    integration: one(integrations, {
      fields: [repoConnections.integrationId],
      references: [integrations.id],
    }),
    repo: one(repos, { fields: [repoConnections.repoId], references: [repos.id] }),
  }),
);

/** A user connection's user and organization. */
export const userConnectionsRelations: UserConnectionsRelations = relations(
  userConnections,
  ({ one }) => ({
    user: one(user, { fields: [userConnections.userId], references: [user.id] }),
    organization: one(organization, {
      fields: [userConnections.organizationId],
      references: [organization.id],
    }),
  }),
);

/** An organization connector's organization and creator. */
export const orgConnectorsRelations: OrgConnectorsRelations = relations(
  orgConnectors,
  ({ one }) => ({
    organization: one(organization, {
      fields: [orgConnectors.organizationId],
      references: [organization.id],
    }),
    createdByUser: one(user, { fields: [orgConnectors.createdBy], references: [user.id] }),
  }),
);

/**
 * A Slack installation's organization and installer, its conversations, and the automations
 * that notify through it (`notification_slack_installation_id`).
 */
export const slackInstallationsRelations: SlackInstallationsRelations = relations(
  slackInstallations,
  ({ one, many }) => ({
    organization: one(organization, {
      fields: [slackInstallations.organizationId],
      references: [organization.id],
    }),
    installedByUser: one(user, { fields: [slackInstallations.installedBy], references: [user.id] }),
    slackConversations: many(slackConversations),
    automations: many(automations),
  }),
);

/** A Slack thread's installation, session and repo. */
export const slackConversationsRelations: SlackConversationsRelations = relations(
  slackConversations,
  ({ one }) => ({
    slackInstallation: one(slackInstallations, {
      fields: [slackConversations.slackInstallationId],
      references: [slackInstallations.id],
    }),
    session: one(sessions, { fields: [slackConversations.sessionId], references: [sessions.id] }),
    repo: one(repos, { fields: [slackConversations.repoId], references: [repos.id] }),
  }),
);

// ---------------------------------------------------------------------------------------------
// Secrets

/**
 * A secret's organization, creator and optional repo and configuration scope, and the
 * configurations it is linked into (`configurationSecrets`).
 */
export const secretsRelations: SecretsRelations = relations(secrets, ({ one, many }) => ({
  organization: one(organization, {
    fields: [secrets.organizationId],
    references: [organization.id],
  }),
  repo: one(repos, { fields: [secrets.repoId], references: [repos.id] }),
  configuration: one(configurations, {
    fields: [secrets.configurationId],
    references: [configurations.id],
  }),
  createdByUser: one(user, { fields: [secrets.createdBy], references: [user.id] }),
  configurationSecrets: many(configurationSecrets),
}));

/** A secret file's organization, configuration and creator, and the secrets written into it. */
export const secretFilesRelations: SecretFilesRelations = relations(
  secretFiles,
  ({ one, many }) => ({
    organization: one(organization, {
      fields: [secretFiles.organizationId],
      references: [organization.id],
    }),
    configuration: one(configurations, {
      fields: [secretFiles.configurationId],
      references: [configurations.id],
    }),
    createdByUser: one(user, { fields: [secretFiles.createdBy], references: [user.id] }),
    configurationSecrets: many(configurationSecrets),
  }),
);

/**
 * A secret link's configuration and secret, and its file: matched on (configuration_id,
 * secret_file_id) like the composite foreign key, so `secretFile` is null for an environment
 * variable link.
 */
export const configurationSecretsRelations: ConfigurationSecretsRelations = relations(
  configurationSecrets,
  ({ one }) => ({
    configuration: one(configurations, {
      fields: [configurationSecrets.configurationId],
      references: [configurations.id],
    }),
    secret: one(secrets, { fields: [configurationSecrets.secretId], references: [secrets.id] }),
    secretFile: one(secretFiles, {
      fields: [configurationSecrets.configurationId, configurationSecrets.secretFileId],
      references: [secretFiles.configurationId, secretFiles.id],
    }),
  }),
);

// ---------------------------------------------------------------------------------------------
// Triggers

/** A trigger's organization, automation, integration and creator, and what it produced. */
export const triggersRelations: TriggersRelations = relations(triggers, ({ one, many }) => ({
  organization: one(organization, {
    fields: [triggers.organizationId],
    references: [organization.id],
  }),
  automation: one(automations, { fields: [triggers.automationId], references: [automations.id] }),
  integration: one(integrations, {
    fields: [triggers.integrationId],
    references: [integrations.id],
  }),
  createdByUser: one(user, { fields: [triggers.createdBy], references: [user.id] }),
  triggerEvents: many(triggerEvents),
  sessions: many(sessions),
  automationRuns: many(automationRuns),
}));

/**
 * A trigger event's trigger, organization and the session it names (`session`,
 * `trigger_events.session_id`); the sessions started for it (`sessions`,
 * `sessions.trigger_event_id`), its tool calls and its automation runs.
 */
export const triggerEventsRelations: TriggerEventsRelations = relations(
  triggerEvents,
  ({ one, many }) => ({
    trigger: one(triggers, { fields: [triggerEvents.triggerId], references: [triggers.id] }),
    organization: one(organization, {
      fields: [triggerEvents.organizationId],
      references: [organization.id],
    }),
    session: one(sessions, {
      fields: [triggerEvents.sessionId],
      references: [sessions.id],
      relationName: "triggerEventSession",
    }),
    sessions: many(sessions, { relationName: "sessionTriggerEvent" }),
    triggerEventActions: many(triggerEventActions),
    automationRuns: many(automationRuns),
  }),
);

/** A trigger event tool call's event. */
export const triggerEventActionsRelations: TriggerEventActionsRelations = relations(
  triggerEventActions,
  ({ one }) => ({
    triggerEvent: one(triggerEvents, {
      fields: [triggerEventActions.triggerEventId],
      references: [triggerEvents.id],
    }),
  }),
);

/** A poll group's organization and integration. */
export const triggerPollGroupsRelations: TriggerPollGroupsRelations = relations(
  triggerPollGroups,
  ({ one }) => ({
    organization: one(organization, {
      fields: [triggerPollGroups.organizationId],
      references: [organization.id],
    }),
    integration: one(integrations, {
      fields: [triggerPollGroups.integrationId],
      references: [integrations.id],
    }),
  }),
);

// ---------------------------------------------------------------------------------------------
// Automations

/**
 * An automation's organization, creator, default configuration and notification Slack
 * installation, and its triggers, schedules, integration links, runs and sessions.
 */
export const automationsRelations: AutomationsRelations = relations(
  automations,
  ({ one, many }) => ({
    organization: one(organization, {
      fields: [automations.organizationId],
      references: [organization.id],
    }),
    createdByUser: one(user, { fields: [automations.createdBy], references: [user.id] }),
    defaultConfiguration: one(configurations, {
      fields: [automations.defaultConfigurationId],
      references: [configurations.id],
    }),
    notificationSlackInstallation: one(slackInstallations, {
      fields: [automations.notificationSlackInstallationId],
      references: [slackInstallations.id],
    }),
    triggers: many(triggers),
    schedules: many(schedules),
    automationConnections: many(automationConnections),
    automationRuns: many(automationRuns),
    sessions: many(sessions),
  }),
);

/** A schedule's automation, organization and creator. */
export const schedulesRelations: SchedulesRelations = relations(schedules, ({ one }) => ({
  automation: one(automations, { fields: [schedules.automationId], references: [automations.id] }),
  organization: one(organization, {
    fields: [schedules.organizationId],
    references: [organization.id],
  }),
  createdByUser: one(user, { fields: [schedules.createdBy], references: [user.id] }),
}));

/** An automation–integration link's automation and integration. */
export const automationConnectionsRelations: AutomationConnectionsRelations = relations(
  automationConnections,
  ({ one }) => ({
    automation: one(automations, {
      fields: [automationConnections.automationId],
      references: [automations.id],
    }),
    integration: one(integrations, {
      fields: [automationConnections.integrationId],
      references: [integrations.id],
    }),
  }),
);

/**
 * An automation run's organization, automation, trigger, trigger event, session and assignee,
 * and its events and side effects.
 */
export const automationRunsRelations: AutomationRunsRelations = relations(
  automationRuns,
  ({ one, many }) => ({
    organization: one(organization, {
      fields: [automationRuns.organizationId],
      references: [organization.id],
    }),
    automation: one(automations, {
      fields: [automationRuns.automationId],
      references: [automations.id],
    }),
    trigger: one(triggers, { fields: [automationRuns.triggerId], references: [triggers.id] }),
    triggerEvent: one(triggerEvents, {
      fields: [automationRuns.triggerEventId],
      references: [triggerEvents.id],
    }),
    session: one(sessions, { fields: [automationRuns.sessionId], references: [sessions.id] }),
    assignedToUser: one(user, { fields: [automationRuns.assignedTo], references: [user.id] }),
    automationRunEvents: many(automationRunEvents),
    automationSideEffects: many(automationSideEffects),
  }),
);

/** An automation run event's run. */
export const automationRunEventsRelations: AutomationRunEventsRelations = relations(
  automationRunEvents,
  ({ one }) => ({
    run: one(automationRuns, {
      fields: [automationRunEvents.runId],
      references: [automationRuns.id],
    }),
  }),
);

/** An automation side effect's run and organization. */
export const automationSideEffectsRelations: AutomationSideEffectsRelations = relations(
  automationSideEffects,
  ({ one }) => ({
    run: one(automationRuns, {
      fields: [automationSideEffects.runId],
      references: [automationRuns.id],
    }),
    organization: one(organization, {
      fields: [automationSideEffects.organizationId],
      references: [organization.id],
    }),
  }),
);

// ---------------------------------------------------------------------------------------------
// Actions, billing, CLI, outbox

/**
 * An action invocation's session, organization and, through `integration_id`, its
 * `linkedIntegration` (not `integration`: that is the invocation's text column naming the
 * action source).
 */
export const actionInvocationsRelations: ActionInvocationsRelations = relations(
  actionInvocations,
  ({ one }) => ({
    session: one(sessions, { fields: [actionInvocations.sessionId], references: [sessions.id] }),
    organization: one(organization, {
      fields: [actionInvocations.organizationId],
      references: [organization.id],
    }),
    linkedIntegration: one(integrations, {
      fields: [actionInvocations.integrationId],
      references: [integrations.id],
    }),
  }),
);

/** A billing event's organization. */
export const billingEventsRelations: BillingEventsRelations = relations(
  billingEvents,
  ({ one }) => ({
    organization: one(organization, {
      fields: [billingEvents.organizationId],
      references: [organization.id],
    }),
  }),
);

/** A billing reconciliation's organization and the user who performed it. */
export const billingReconciliationsRelations: BillingReconciliationsRelations = relations(
  billingReconciliations,
  ({ one }) => ({
    organization: one(organization, {
      fields: [billingReconciliations.organizationId],
      references: [organization.id],
    }),
    performedByUser: one(user, {
      fields: [billingReconciliations.performedBy],
      references: [user.id],
    }),
  }),
);

/** An LLM spend cursor's organization. */
export const llmSpendCursorsRelations: LlmSpendCursorsRelations = relations(
  llmSpendCursors,
  ({ one }) => ({
    organization: one(organization, {
      fields: [llmSpendCursors.organizationId],
      references: [organization.id],
    }),
  }),
);

/** A CLI device code's user and organization (column `org_id`). */
export const cliDeviceCodesRelations: CliDeviceCodesRelations = relations(
  cliDeviceCodes,
  ({ one }) => ({
    user: one(user, { fields: [cliDeviceCodes.userId], references: [user.id] }),
    organization: one(organization, {
      fields: [cliDeviceCodes.orgId],
      references: [organization.id],
    }),
  }),
);

/** A CLI GitHub selection's user and organization. */
export const cliGithubSelectionsRelations: CliGithubSelectionsRelations = relations(
  cliGithubSelections,
  ({ one }) => ({
    user: one(user, { fields: [cliGithubSelections.userId], references: [user.id] }),
    organization: one(organization, {
      fields: [cliGithubSelections.organizationId],
      references: [organization.id],
    }),
  }),
);

/** An SSH key's user. */
export const userSshKeysRelations: UserSshKeysRelations = relations(userSshKeys, ({ one }) => ({
  user: one(user, { fields: [userSshKeys.userId], references: [user.id] }),
}));

/** An outbox message's organization. */
export const outboxRelations: OutboxRelations = relations(outbox, ({ one }) => ({
  organization: one(organization, {
    fields: [outbox.organizationId],
    references: [organization.id],
  }),
}));
