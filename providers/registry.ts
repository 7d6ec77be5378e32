/**
 * The provider registry: a static map of code-defined providers, validated once at boot.
 *
 * @module
 */
import type { ConnectionRequirement, IntegrationProvider, ProviderRegistry } from "./types.ts";

/** Outcome of {@link validateProviders}. */
export interface ProviderValidationReport {
  /** Problems that make the set unusable; the registry refuses to boot on any. */
  errors: string[];
  /** Problems worth a log line that do not stop boot (e.g. `oauth2` without scopes). */
  warnings: string[];
}

/** Thrown by {@link createProviderRegistry} when validation finds errors; lists all of them. */
export class ProviderRegistryError extends Error {
  /** Class tag. */
  override readonly name: "ProviderRegistryError" = "ProviderRegistryError";
  /** Every error found. */
  readonly errors: readonly string[];

  /** Builds the error from the list of problems. */
  constructor(errors: readonly string[]) {
    super(`Invalid provider registry: ${errors.join("; ")}`);
    this.errors = errors;
  }
}

function hasSafeParse(value: unknown): boolean {
  return value !== null && typeof value === "object" &&
    typeof (value as { safeParse?: unknown }).safeParse === "function";
}

function checkConnection(
  providerId: string,
  scope: "org" | "user",
  requirement: ConnectionRequirement | undefined,
  warnings: string[],
): void {
  if (requirement?.type === "oauth2" && (requirement.scopes ?? []).length === 0) {
    warnings.push(`provider "${providerId}": ${scope} oauth2 connection declares no scopes`);
  }
}

/**
 * Checks a provider set against the boot rules: provider ids non-empty and unique; action ids
 * non-empty, unique per provider and free of `:`; trigger type ids non-empty and unique per
 * provider; every action has a Zod `params` schema and an `execute` function; every trigger type
 * a `configSchema` and a `matches` function. Warns on an `oauth2` connection without scopes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateProviders } from "@proliferate/core/providers";
 *
 * const report = validateProviders([
 *   { id: "linear", displayName: "Linear", category: "issue_tracker",
 *     connections: { org: { type: "oauth2", preset: "linear" } } },
 * ]);
 * assert.deepEqual(report.errors, []);
 * assert.equal(report.warnings.length, 1);
 * ```
 */
export function validateProviders(
  providers: readonly IntegrationProvider[],
): ProviderValidationReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const provider of providers) {
    const id = provider.id;
    if (id === "") errors.push("a provider has an empty id");
    else if (seen.has(id)) errors.push(`provider id "${id}" is registered twice`);
    seen.add(id);

    checkConnection(id, "org", provider.connections?.org, warnings);
    checkConnection(id, "user", provider.connections?.user, warnings);

    const actionIds = new Set<string>();
    for (const def of provider.actions?.definitions ?? []) {
      if (def.id === "") errors.push(`provider "${id}": an action has an empty id`);
      else if (def.id.includes(":")) {
        errors.push(`provider "${id}": action id "${def.id}" contains ":"`);
      }
      if (actionIds.has(def.id)) {
        errors.push(`provider "${id}": action id "${def.id}" is duplicated`);
      }
      actionIds.add(def.id);
      if (!hasSafeParse(def.params)) {
        errors.push(`provider "${id}": action "${def.id}" has no Zod params schema`);
      }
      if (typeof def.execute !== "function") {
        errors.push(`provider "${id}": action "${def.id}" has no execute function`);
      }
    }

    const typeIds = new Set<string>();
    for (const type of provider.triggers?.types ?? []) {
      if (type.id === "") errors.push(`provider "${id}": a trigger type has an empty id`);
      if (typeIds.has(type.id)) {
        errors.push(`provider "${id}": trigger type id "${type.id}" is duplicated`);
      }
      typeIds.add(type.id);
      if (!hasSafeParse(type.configSchema)) {
        errors.push(`provider "${id}": trigger type "${type.id}" has no Zod configSchema`);
      }
      if (typeof type.matches !== "function") {
        errors.push(`provider "${id}": trigger type "${type.id}" has no matches function`);
      }
    }
  }
  return { errors, warnings };
}

/** Options of {@link createProviderRegistry}. */
export interface ProviderRegistryOptions {
  /** Receives each validation warning; default `console.warn`. */
  onWarning?: (warning: string) => void;
}

/**
 * Validates `providers` with {@link validateProviders} and returns a read-only registry. Throws a
 * {@link ProviderRegistryError} listing every error; reports warnings through `onWarning`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createProviderRegistry } from "@proliferate/core/providers";
 *
 * const registry = createProviderRegistry([
 *   { id: "posthog", displayName: "PostHog", category: "custom", connections: {} },
 * ]);
 * assert.equal(registry.get("posthog")?.displayName, "PostHog");
 * assert.equal(registry.get("nope"), undefined);
 * ```
 */
export function createProviderRegistry(
  providers: readonly IntegrationProvider[],
  options: ProviderRegistryOptions = {},
): ProviderRegistry {
  const report = validateProviders(providers);
  if (report.errors.length > 0) throw new ProviderRegistryError(report.errors);
  const warn = options.onWarning ?? ((warning: string) => console.warn(warning));
  for (const warning of report.warnings) warn(warning);
  const byId = new Map(providers.map((provider) => [provider.id, provider]));
  const ordered = [...providers];
  return {
    get: (id) => byId.get(id),
    list: () => [...ordered],
  };
}
