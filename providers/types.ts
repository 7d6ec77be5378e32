/**
 * The integration provider contract: what a code-defined integration module declares (connections,
 * actions, triggers) and the trigger shapes it produces. Modules are stateless: tokens, secrets,
 * cursors and config arrive as arguments; they never read PostgreSQL, write Redis, schedule jobs,
 * query secret stores or call an OAuth broker.
 *
 * @module
 */
import type { z } from "zod";
import type { ActionDefinition, ActionExecutionContext, ActionResult } from "./action-source.ts";

/** Kind of credential a provider needs. Broker-agnostic: the framework decides how it is obtained. */
export type ConnectionType = "oauth2" | "app_installation" | "bot_token" | "api_key" | "none";

/**
 * Every {@link ConnectionType}: `oauth2` (OAuth grant run by whichever broker the framework maps the
 * preset to), `app_installation` (e.g. a GitHub App installation token), `bot_token` (workspace bot
 * token, e.g. Slack), `api_key` (static key the org supplies), `none` (no credential).
 */
export const CONNECTION_TYPES: readonly [
  "oauth2",
  "app_installation",
  "bot_token",
  "api_key",
  "none",
] = ["oauth2", "app_installation", "bot_token", "api_key", "none"];

/**
 * A credential a provider needs. It names no broker (no Nango or Arctic key): only a `preset` that
 * the framework maps to a broker configuration.
 */
export interface ConnectionRequirement {
  /** Kind of credential. */
  type: ConnectionType;
  /** Stable framework key (e.g. `"sentry"`) that the framework maps to a broker config. */
  preset?: string;
  /**
   * OAuth scopes required. An `oauth2` requirement without scopes draws a warning at registry boot
   * and fails safe at connect time.
   */
  scopes?: string[];
  /** The provider still works when this connection is missing. */
  optional?: boolean;
}

/**
 * UI grouping of a provider. Providers that fit none of the first three (Slack, PostHog) use
 * `custom`; the set is closed, so adding a member is a breaking change for exhaustive switches.
 */
export type IntegrationCategory = "issue_tracker" | "source_control" | "monitoring" | "custom";

/** Every {@link IntegrationCategory}. */
export const INTEGRATION_CATEGORIES: readonly [
  "issue_tracker",
  "source_control",
  "monitoring",
  "custom",
] = ["issue_tracker", "source_control", "monitoring", "custom"];

/** The credentials a provider needs, by scope. */
export interface ProviderConnections {
  /** The org-scoped credential. */
  org?: ConnectionRequirement;
  /** An optional per-user credential (e.g. for commit authorship); `getToken()` prefers it. */
  user?: ConnectionRequirement;
}

/**
 * One entry of a provider's static action catalog: an {@link ActionDefinition} that carries its own
 * executor. {@link ProviderActionSource} lists it without `execute`.
 */
export interface ProviderActionDefinition extends ActionDefinition {
  /** Runs this action; `params` have already been validated against `params`. */
  execute: (params: Record<string, unknown>, ctx: ActionExecutionContext) => Promise<ActionResult>;
}

/** A provider's action catalog (data plane). */
export interface ProviderActions {
  /** The static catalog; ids unique and free of `:` (checked at registry boot). */
  definitions: ProviderActionDefinition[];
  /** Markdown usage guide for the agent; becomes the source's `guide`. */
  guide?: string;
}

/**
 * A code-defined integration module: one object that declares connections (control plane), actions
 * (data plane) and triggers (ingestion plane).
 */
export interface IntegrationProvider {
  /** Stable provider id (`"sentry"`); also the sourceId of its actions and the `provider` of its events. */
  id: string;
  /** Human label. */
  displayName: string;
  /** UI grouping. */
  category: IntegrationCategory;
  /** Credentials it needs. */
  connections: ProviderConnections;
  /** Actions the agent can invoke through it. */
  actions?: ProviderActions;
  /** Events it can turn into automation runs. */
  triggers?: ProviderTriggers;
}

/**
 * An upstream event in the platform's normalised form. Stored in the trigger event tables;
 * `context` and `raw` must be JSON-serialisable.
 */
export interface NormalizedTriggerEvent {
  /** Provider id. */
  provider: string;
  /** Normalised internal type (`"error_created"`); usually a trigger type id. */
  eventType: string;
  /** Native upstream type (`"issue.created"`); `"unknown"` when upstream gives none. */
  providerEventType: string;
  /** ISO 8601 timestamp of the upstream occurrence. */
  occurredAt: string;
  /**
   * Dedup key; the database enforces `UNIQUE(trigger_id, dedup_key)` (per trigger, not global).
   * Convention: `"<provider>:<native id>"`.
   */
  dedupKey: string;
  /** Short human title. */
  title: string;
  /** Link to the upstream object. */
  url?: string;
  /** Parsed, structured data that `matches()` reads; JSON-serialisable. */
  context: Record<string, unknown>;
  /** Original payload, stored as `raw_payload`; JSON-serialisable. */
  raw?: unknown;
}

/** An incoming webhook as the framework hands it to `verify`. */
export interface WebhookRequest {
  /** HTTP method. */
  method: string;
  /** Request path. */
  path: string;
  /** Request headers; keys lower-case. */
  headers: Record<string, string | string[] | undefined>;
  /** Query-string values. */
  query: Record<string, string | undefined>;
  /** Route parameters (`providerId`, per-trigger path). */
  params: Record<string, string | undefined>;
  /** Exact request bytes, needed for HMAC. A Node `Buffer` is a `Uint8Array` and fits. */
  rawBody: Uint8Array;
  /** Parsed body. */
  body: unknown;
}

/** What `parse` gets: a verified payload, usually read back from the webhook inbox by a worker. */
export interface WebhookParseInput {
  /** Verified payload; for broker-forwarded webhooks, the inner provider payload. */
  json: unknown;
  /** Stored request headers; keys lower-case. */
  headers: Record<string, string | string[] | undefined>;
  /** Native event type captured at ingestion. */
  providerEventType?: string;
  /** ISO 8601 ingestion time. */
  receivedAt: string;
}

/** Whom a webhook is for: an organization, an integration instance, or one trigger. */
export type WebhookIdentityKind = "org" | "integration" | "trigger";

/** Every {@link WebhookIdentityKind}. */
export const WEBHOOK_IDENTITY_KINDS: readonly ["org", "integration", "trigger"] = [
  "org",
  "integration",
  "trigger",
];

/** Routing hint returned by `verify`; persisted with the inbox row. */
export interface WebhookIdentity {
  /** What `id` identifies. */
  kind: WebhookIdentityKind;
  /** The organization, integration or trigger id. */
  id: string;
}

/** A reply the framework sends as is (Slack or Jira URL challenges). */
export interface WebhookImmediateResponse {
  /** HTTP status. */
  status: number;
  /** Response body; JSON-encoded unless a string. */
  body?: unknown;
}

/** Result of `verify`. */
export interface WebhookVerificationResult {
  /** Signature valid; `false` makes the framework answer 401. */
  ok: boolean;
  /** Whom the webhook is for. */
  identity?: WebhookIdentity;
  /**
   * Reply to send as is. Honoured only when `ok` is true, and then no inbox row is written.
   */
  immediateResponse?: WebhookImmediateResponse;
}

/**
 * A kind of event a provider offers to automations, with its config schema and a filter.
 * `TConfig` defaults to `Record<string, unknown>`, what `triggers.config` always holds (a JSON
 * object), so a trigger type written inline in `ProviderTriggers.types` can read its config's
 * fields, as the spec's Sentry reference does (`config.minSeverity`); a `TriggerType<MyConfig>`
 * still fits `TriggerType[]` when `MyConfig` is an object type (a `z.infer` or a `type` alias:
 * an `interface` has no index signature, so declare configs with `type`).
 */
export interface TriggerType<TConfig = Record<string, unknown>> {
  /** Trigger type id, unique within the provider. */
  id: string;
  /** Text for the automation UI. */
  description: string;
  /** Validates `triggers.config`. */
  configSchema: z.ZodType<TConfig>;
  /**
   * Whether `event` matches `config`. Pure and synchronous: no I/O, no side effects, no token; it
   * runs in memory for every trigger of a poll group or inbox batch.
   */
  matches(event: NormalizedTriggerEvent, config: TConfig): boolean;
}

/** Webhook ingestion: verification in the HTTP handler, parsing in the worker. */
export interface ProviderWebhook {
  /**
   * Checks the signature over `req.rawBody` with a constant-time comparison. `secret` is resolved by
   * the framework, `null` when none is configured. Never puts secrets into errors or logs; makes no
   * upstream calls.
   */
  verify: (req: WebhookRequest, secret: string | null) => Promise<WebhookVerificationResult>;
  /** Normalises a verified payload; returns `[]` for pings and ignored events. */
  parse: (input: WebhookParseInput) => Promise<NormalizedTriggerEvent[]>;
}

/** What `poll` gets. */
export interface PollContext {
  /** Opaque provider cursor from the previous poll (not necessarily a timestamp); `null` on the first. */
  cursor: unknown;
  /** Token from `getToken()`. */
  token?: string;
  /** Organization. */
  orgId: string;
}

/** What `poll` returns. */
export interface PollResult {
  /** A superset of recent events; the framework dedups by `dedupKey`. */
  events: NormalizedTriggerEvent[];
  /** Cursor for the next poll; persisted to `trigger_poll_groups.cursor`, so JSON-serialisable. */
  nextCursor: unknown;
  /** Asks the scheduler to wait this long before the next poll (rate limits). */
  backoffSeconds?: number;
}

/**
 * Cursor-based polling. One poll runs per poll group `(organization_id, provider, integration_id)`
 * and its events are fanned out to `matches()` in memory.
 */
export interface ProviderPolling {
  /** Default cadence in seconds; the framework derives the stored schedule from it. */
  defaultIntervalSeconds: number;
  /** One fetch of recent events for the whole connection. */
  poll: (ctx: PollContext) => Promise<PollResult>;
}

/** What `hydrate` gets. */
export interface HydrateContext {
  /** Token for the enrichment call; the framework skips `hydrate` when none resolves. */
  token: string;
}

/** A provider's ingestion plane. */
export interface ProviderTriggers {
  /** Trigger types it offers; ids unique within the provider. */
  types: TriggerType[];
  /** Webhook verification and parsing. */
  webhook?: ProviderWebhook;
  /** Cursor-based polling. */
  polling?: ProviderPolling;
  /**
   * Fetches fields missing from an event, once per event per batch, in the async worker only (never
   * in the HTTP handler).
   */
  hydrate?: (event: NormalizedTriggerEvent, ctx: HydrateContext) => Promise<NormalizedTriggerEvent>;
}

/** Lookup of the code-defined providers, validated once at boot. */
export interface ProviderRegistry {
  /** The provider with this id, if registered. */
  get(id: string): IntegrationProvider | undefined;
  /** Every registered provider, in registration order. */
  list(): IntegrationProvider[];
}
