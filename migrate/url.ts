/**
 * Redaction of PostgreSQL connection strings for logs and messages: the password never shows,
 * whichever form the string takes.
 *
 * Two forms are understood:
 *
 * - URLs (`postgres://user:secret@host:5432/db?sslmode=require`). The user information ends at
 *   the **last** `@` of the string, so a password holding unencoded `/`, `@`, `:` or `?` is still
 *   masked as a whole (when a query value also holds an `@`, more is masked than needed, never
 *   less). The rest is read with `new URL`, and every query parameter that carries a secret
 *   (`password`, `sslpassword`, `passfile` is kept) is masked.
 * - libpq key/value strings (`host=db user=app password='s e c r e t' dbname=app`), read with a
 *   small scanner that honours single quotes and backslash escapes.
 *
 * Anything else is replaced as a whole, since it cannot be told apart from a secret. Every step
 * is a single left-to-right pass (no backtracking regular expression), so redaction runs in
 * linear time on any input.
 *
 * @module
 */

/** What a masked secret is replaced with. */
export const REDACTED = "***";

const SECRET_KEYS = new Set(["password", "sslpassword"]);
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Returns `url` with every password masked (see the module doc for the forms understood).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactDatabaseUrl } from "./url.ts";
 * assert.equal(
 *   redactDatabaseUrl("postgres://app:p@ss/word@db.internal:5432/main?password=x&sslmode=require"),
 *   "postgres://app:***@db.internal:5432/main?password=***&sslmode=require",
 * );
 * assert.equal(
 *   redactDatabaseUrl("host=db user=app password='it''s' dbname=main"),
 *   "host=db user=app password=*** dbname=main",
 * );
 * ```
 */
export function redactDatabaseUrl(url: string): string {
  const text = url.trim();
  if (URL_SCHEME.test(text)) return redactUrlForm(text);
  if (text.includes("=")) {
    const redacted = redactKeyValueForm(text);
    if (redacted !== undefined) return redacted;
  }
  return text === "" ? "" : "(connection string not shown: not a URL or key=value string)";
}

function redactUrlForm(text: string): string {
  const schemeEnd = text.indexOf("://") + 3;
  const scheme = text.slice(0, schemeEnd);
  let rest = text.slice(schemeEnd);
  let userinfo = "";
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    const credentials = rest.slice(0, at);
    const colon = credentials.indexOf(":");
    userinfo = colon >= 0 ? `${credentials.slice(0, colon)}:${REDACTED}@` : `${credentials}@`;
    rest = rest.slice(at + 1);
  }
  return scheme + userinfo + redactHostAndQuery(scheme, rest);
}

/** Masks secret query parameters of `host[:port][/db][?query][#fragment]`. */
function redactHostAndQuery(scheme: string, rest: string): string {
  const question = rest.indexOf("?");
  if (question < 0) return rest;
  let parsed: URL | undefined;
  try {
    // The host part may be a list (`h1:5432,h2:5432`) that URL rejects: parse a stand-in host.
    parsed = new URL(`${scheme}placeholder${rest.slice(question)}`);
  } catch {
    parsed = undefined;
  }
  if (!parsed) return `${rest.slice(0, question)}?${REDACTED}`;
  const hash = parsed.hash;
  const params: string[] = [];
  for (const [key, value] of parsed.searchParams) {
    const shown = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : encodeURIComponent(value);
    params.push(`${encodeURIComponent(key)}=${shown}`);
  }
  return `${rest.slice(0, question)}?${params.join("&")}${hash}`;
}

/**
 * Scans `key = value` pairs separated by whitespace; values are bare words or single-quoted
 * with `\'`, `\\` or `''` inside. Returns undefined when the text is not of that form.
 */
function redactKeyValueForm(text: string): string | undefined {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  const isSpace = (ch: string) => ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
  while (i < n) {
    while (i < n && isSpace(text[i])) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && text[i] !== "=" && !isSpace(text[i])) i++;
    const key = text.slice(keyStart, i);
    while (i < n && isSpace(text[i])) i++;
    if (key === "" || text[i] !== "=") return undefined;
    i++;
    while (i < n && isSpace(text[i])) i++;
    let value = "";
    if (text[i] === "'") {
      i++;
      let closed = false;
      while (i < n) {
        const ch = text[i];
        if (ch === "\\" && i + 1 < n) {
          value += text[i + 1];
          i += 2;
        } else if (ch === "'" && text[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (ch === "'") {
          i++;
          closed = true;
          break;
        } else {
          value += ch;
          i++;
        }
      }
      if (!closed) return undefined;
    } else {
      const valueStart = i;
      while (i < n && !isSpace(text[i])) i++;
      value = text.slice(valueStart, i);
    }
    const shown = SECRET_KEYS.has(key.toLowerCase())
      ? REDACTED
      : /^[^\s'\\]*$/.test(value) && value !== ""
      ? value
      : `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
    out.push(`${key}=${shown}`);
  }
  return out.length > 0 ? out.join(" ") : undefined;
}
