/**
 * Connection strings for the operators' CLI: checked before use, and redacted wherever they (or
 * a message that may quote them) are printed, so that no password ever reaches a terminal or a
 * log.
 *
 * @module
 */
import { redactDatabaseUrl, REDACTED } from "../migrate/url.ts";

/** Thrown by {@linkcode checkDatabaseUrl} for a string that is not a PostgreSQL URL. */
export class BadUrlError extends Error {
  /** Creates the error with a one-line message that holds no password. */
  constructor(message: string) {
    super(message);
    this.name = "BadUrlError";
  }
}

const MASK = REDACTED;

/**
 * Returns `url` with its password (the userinfo's, and any `password=` parameter) replaced by
 * `***`: the runner's {@linkcode redactDatabaseUrl}, which also handles unencoded `/` and `@` in
 * a password and libpq key/value strings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactUrl } from "./url.ts";
 * assert.equal(
 *   redactUrl("postgres://app:s3cr%2Ft@db:5432/prod?password=x&sslmode=require"),
 *   "postgres://app:***@db:5432/prod?password=***&sslmode=require",
 * );
 * ```
 */
export function redactUrl(url: string): string {
  return redactDatabaseUrl(url);
}

/** Every form of the password `url` carries (raw, decoded), for {@linkcode redactText}. */
export function secretsOf(url: string): string[] {
  const found = new Set<string>();
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      found.add(parsed.password);
      try {
        found.add(decodeURIComponent(parsed.password));
      } catch {
        // Not valid percent-encoding: the raw form is enough.
      }
    }
    for (const [key, value] of parsed.searchParams) {
      if (key.toLowerCase() === "password" && value) found.add(value);
    }
  } catch {
    for (const match of url.matchAll(/password=([^&\s]+)/gi)) found.add(match[1]);
    const userinfo = /\/\/[^/?#\s]*?:([^\s]*)@/.exec(url);
    if (userinfo) found.add(userinfo[1]);
  }
  return [...found].filter((secret) => secret.length > 0 && secret !== MASK);
}

/**
 * Replaces every occurrence of the password of `url` in `text` with `***`, and masks URLs and
 * `password=` parameters `text` quotes. For messages from the driver or the server.
 */
export function redactText(text: string, url?: string): string {
  let out = text;
  for (const secret of url ? secretsOf(url) : []) out = out.replaceAll(secret, MASK);
  return out
    .replace(/postgres(?:ql)?:\/\/[^\s'"]+/gi, (match) => redactUrl(match))
    .replace(/(password=)[^&\s'"]*/gi, `$1${MASK}`);
}

/**
 * Checks that `url` is a `postgres://` or `postgresql://` URL with a host; throws a
 * {@linkcode BadUrlError} (message without the password) otherwise.
 */
export function checkDatabaseUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadUrlError(
      `the database URL ${redactUrl(url)} is not a URL; ` +
        "write it as postgres://user:password@host:5432/database",
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new BadUrlError(
      `the database URL ${redactUrl(url)} is not a postgres:// or postgresql:// URL; ` +
        "write it as postgres://user:password@host:5432/database",
    );
  }
  if (!parsed.hostname && !parsed.searchParams.get("host")) {
    throw new BadUrlError(
      `the database URL ${redactUrl(url)} names no host; ` +
        "write it as postgres://user:password@host:5432/database",
    );
  }
}
