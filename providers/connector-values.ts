/**
 * Value sets and JSONB shapes of integrations and MCP connectors that the action and trigger
 * frameworks read when they build sources and resolve credentials.
 *
 * @module
 */
import type { RiskLevel } from "./action-invocations.ts";

/** State of an integration (`integrations.status`, default `active`). */
export type IntegrationStatus = "active" | "expired" | "revoked" | "deleted" | "suspended";

/** Every {@link IntegrationStatus}. */
export const INTEGRATION_STATUSES: readonly [
  "active",
  "expired",
  "revoked",
  "deleted",
  "suspended",
] = ["active", "expired", "revoked", "deleted", "suspended"];

/**
 * State of a per-user connection (`user_connections.status`, default `active`): the
 * consolidated draft's `active | inactive` plus the integrations' set (vNext §2.7, D34).
 */
export type UserConnectionStatus = IntegrationStatus | "inactive";

/** Every {@link UserConnectionStatus}, as `user_connections_status_check` allows them. */
export const USER_CONNECTION_STATUSES: readonly [
  "active",
  "inactive",
  "expired",
  "revoked",
  "deleted",
  "suspended",
] = ["active", "inactive", "expired", "revoked", "deleted", "suspended"];

/** Who brokers an integration's credential (`integrations.provider`). */
export type IntegrationBroker = "nango" | "github-app";

/** Every {@link IntegrationBroker}. */
export const INTEGRATION_BROKERS: readonly ["nango", "github-app"] = ["nango", "github-app"];

/** Who sees an integration: the whole org (default) or its creator only. */
export type IntegrationVisibility = "org" | "private";

/** Every {@link IntegrationVisibility}. */
export const INTEGRATION_VISIBILITIES: readonly ["org", "private"] = ["org", "private"];

/** State of a Slack workspace installation. */
export type SlackInstallationStatus = "active" | "revoked";

/** Every {@link SlackInstallationStatus}. */
export const SLACK_INSTALLATION_STATUSES: readonly ["active", "revoked"] = ["active", "revoked"];

/** Transport of an MCP connector (`org_connectors.transport`, default `remote_http`). */
export type ConnectorTransport = "remote_http";

/** Every {@link ConnectorTransport}. */
export const CONNECTOR_TRANSPORTS: readonly ["remote_http"] = ["remote_http"];

/**
 * How a connector authenticates (`org_connectors.auth`). `secretKey` names an org secret; it is
 * never the secret value. The framework resolves it and passes the value as `ctx.token`.
 */
export type ConnectorAuth =
  | {
    /** Sent as `Authorization: Bearer <secret>`. */
    type: "bearer";
    /** Name of the org secret holding the token. */
    secretKey: string;
  }
  | {
    /** Sent in a header of the connector's choosing. */
    type: "custom_header";
    /** Name of the org secret holding the value. */
    secretKey: string;
    /** Header to send it in. */
    headerName: string;
  };

/**
 * Legacy risk policy of a connector (`org_connectors.risk_policy`); enforcement moved to
 * `tool_risk_overrides`.
 */
export interface ConnectorRiskPolicy {
  /** Risk assumed for tools without an entry in `overrides`. */
  defaultRisk?: RiskLevel;
  /** Risk per MCP tool name. */
  overrides?: Record<string, RiskLevel>;
}

/**
 * Connection id of a GitHub App installation, `github-app-<installationId>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { githubAppConnectionId } from "@proliferate/core/providers";
 *
 * assert.equal(githubAppConnectionId(123), "github-app-123");
 * ```
 */
export function githubAppConnectionId(installationId: string | number): string {
  return `github-app-${installationId}`;
}
