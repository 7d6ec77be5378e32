/**
 * Secret redaction for error text and for anything an error keeps (`raw`, `cause`).
 *
 * {@link redactSecrets} replaces every secret it recognises with `[REDACTED]`, in raw text,
 * URL-encoded text (`%20`, `%3A`, `%3D`, `%22`, `%40`, `+` for a space), JSON-escaped text (`\"`,
 * `\n`, `\/`, doubly escaped quotes too) and text over several lines. The formats, each with an
 * example and what it becomes:
 *
 * | # | format | example | becomes |
 * | --- | --- | --- | --- |
 * | 1 | PEM and OpenSSH private keys (any `-----BEGIN … PRIVATE KEY-----` block, through its `-----END …-----` line; a block cut short is redacted to its end) | `-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl…\n-----END OPENSSH PRIVATE KEY-----` | `[REDACTED]` |
 * | 2 | Anthropic keys | `sk-ant-api03-AbC_dEf` | `[REDACTED]` |
 * | 3 | other `sk-` keys (OpenAI, LLM-proxy virtual keys), 10+ characters | `sk-proj-AbCdEf123456` | `[REDACTED]` |
 * | 4 | Stripe secret, restricted and webhook keys | `sk_live_4eC39HqLyjWDarjtT1zdp7dc`, `rk_live_…`, `whsec_…` | `[REDACTED]` |
 * | 5 | `Bearer` credentials (other cases of the word with a 12+ character token) | `Bearer abc.def`, `Bearer%20abc` | `[REDACTED]` |
 * | 6 | HTTP Basic credentials (the token must decode to `user:password`) | `Basic dXNlcjpwYXNz` | `[REDACTED]` |
 * | 7 | GitHub tokens | `ghp_16C7e42F292c`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_11AB…` | `[REDACTED]` |
 * | 8 | GitLab, npm, Hugging Face, SendGrid tokens; Google OAuth access tokens | `glpat-…`, `npm_…`, `hf_…`, `SG.….…`, `ya29.…` | `[REDACTED]` |
 * | 9 | Slack tokens and incoming-webhook URLs | `xoxb-1234-AbC`, `hooks.slack.com/services/T0/B0/XyZ` | `[REDACTED]`, `hooks.slack.com/services/[REDACTED]` |
 * | 10 | git HTTPS credentials, through the `@` | `https://x-access-token:ghs_abc@github.com` | `https://[REDACTED]github.com` |
 * | 11 | Modal token ids and secrets, 12+ characters | `ak-AbCdEfGhIjKlMn`, `as-…` | `[REDACTED]` |
 * | 12 | E2B keys, any case | `e2b_abc123` | `[REDACTED]` |
 * | 13 | Google API keys | `AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q` | `[REDACTED]` |
 * | 14 | AWS access key ids | `AKIAIOSFODNN7EXAMPLE`, `ASIA…` | `[REDACTED]` |
 * | 15 | AWS secret access keys: 40 base64 characters mixing upper case, lower case and digits | `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` | `[REDACTED]` |
 * | 16 | JWTs and other base64url JSON (`eyJ` + 8 or more characters, with up to two more `.` segments) | `eyJhbGciOi….eyJzdWIi….c2ln` | `[REDACTED]` |
 * | 17 | API-key assignments, bare or quoted: the whole assignment goes | `api_key=abc`, `"API-KEY": "abc"`, `MY_API_KEY=abc` | `[REDACTED]`, `[REDACTED]`, `MY_[REDACTED]` |
 * | 18 | any `name=value`, `name: value` or `"name": "value"` whose name means a credential ({@link isCredentialKey}): the value goes, quotes stay; `Authorization`, `Cookie` and `Set-Cookie` lose the rest of the line | `"password": "hunter2"`, `?token=abc&x=1`, `?key=AIza…`, `client_secret=…`, `Cookie: sid=1; b=2` | `"password": "[REDACTED]"`, `?token=[REDACTED]&x=1`, `?key=[REDACTED]`, `client_secret=[REDACTED]`, `Cookie: [REDACTED]` |
 * | 19 | passwords in URLs (`scheme://user:password@host`): long ones take the user's `:` and `@` along | `https://bob:pw@example.com`, `https%3A%2F%2Fbob%3Apw%40example.com` | `https://bob:[REDACTED]@example.com`, `https%3A%2F%2Fbob%3A[REDACTED]%40example.com` |
 * | 20 | 64-hex tokens (the sandbox-mcp HMAC token) | `a1a1…` (64 hex digits) | `[REDACTED]` |
 *
 * The `sk-`, `ak-`, `as-` and Stripe prefixes match only at a word start, and a lower-case `bearer`
 * or `basic` only before a token that looks like one, so prose such as `break-even`, `as-is`, `the
 * bearer of news` or `basic setup` stays.
 *
 * Every pass is linear in the length of the text: a pattern either ends in a greedy run that always
 * succeeds (its text is consumed once), or every repetition before a required part is bounded by a
 * small constant or excludes the character the pattern starts with; private keys and credential
 * assignments are found by hand-written scanners that visit each character a bounded number of
 * times. A megabyte of any text takes a few tens of milliseconds (`deno task bench`).
 *
 * @module
 */

/** What a redacted secret is replaced with. */
export const REDACTED = "[REDACTED]";

// ---------------------------------------------------------------------------------------------
// Credential key names

/** Words that make a key name a credential when the name contains them as a word. */
const CREDENTIAL_WORDS: ReadonlySet<string> = new Set([
  "key",
  "keys",
  "apikey",
  "token",
  "tokens",
  "secret",
  "secrets",
  "password",
  "passwords",
  "passwd",
  "passphrase",
  "pass",
  "pwd",
  "pw",
  "auth",
  "oauth",
  "authorization",
  "cookie",
  "cookies",
  "credential",
  "credentials",
  "session",
  "sessionid",
  "jwt",
  "bearer",
  "dsn",
]);

/** Fragments that make a key name a credential wherever they occur in its letters. */
const CREDENTIAL_FRAGMENTS: readonly string[] = [
  "password",
  "passwd",
  "secret",
  "token",
  "apikey",
  "credential",
  "cookie",
  "authorization",
  "privatekey",
  "accesskey",
];

/**
 * Whether a key name (an object key, a header, a query parameter, an environment variable) means a
 * credential. Case and separators are ignored: the name is split into words at `_`, `-`, `.`,
 * spaces and camel-case humps, and it is a credential when one word is `key`, `token`, `secret`,
 * `password`, `passwd`, `passphrase`, `pass`, `pwd`, `pw`, `auth`, `oauth`, `authorization`, `cookie`,
 * `credential`, `session`, `jwt`, `bearer` or `dsn` (or a plural of these), or when its letters
 * contain `password`, `secret`, `token`, `apikey`, `credential`, `cookie`, `authorization`,
 * `privatekey` or `accesskey`. So `apiKey`, `x-api-key`, `client_secret`, `accessToken`,
 * `Set-Cookie` and `AWS_SECRET_ACCESS_KEY` are credentials, and `author`, `monkey` and `keyboard`
 * are not; `sessionId` and `issueKey` are (over-redaction is the safe side).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCredentialKey } from "@proliferate/core/sandbox";
 *
 * assert.equal(isCredentialKey("x-api-key"), true);
 * assert.equal(isCredentialKey("clientSecret"), true);
 * assert.equal(isCredentialKey("author"), false);
 * ```
 */
export function isCredentialKey(name: string): boolean {
  if (name.length > 256) return true;
  const known = credentialKeyCache.get(name);
  if (known !== undefined) return known;
  const result = classifyKey(name);
  if (credentialKeyCache.size >= 512) credentialKeyCache.clear();
  credentialKeyCache.set(name, result);
  return result;
}

const credentialKeyCache = new Map<string, boolean>();

function classifyKey(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  for (const word of words) if (CREDENTIAL_WORDS.has(word)) return true;
  const letters = words.join("");
  return CREDENTIAL_FRAGMENTS.some((fragment) => letters.includes(fragment));
}

// ---------------------------------------------------------------------------------------------
// Private keys (hand-written: the END line may be far away or missing)

const PEM_BEGIN = "-----BEGIN";
const PEM_END = "-----END";
/** Longest private key block redacted through its END line; a farther END is not looked for. */
const PEM_MAX_BLOCK = 64 * 1024;

function isPemBodyChar(code: number): boolean {
  // Base64, whitespace, JSON escapes (`\n`), percent escapes, and the `Proc-Type: 4,ENCRYPTED`
  // headers of encrypted keys.
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) || code === 0x2b || code === 0x2f || code === 0x3d ||
    code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x5c ||
    code === 0x25 || code === 0x3a || code === 0x2c || code === 0x2d;
}

function redactPrivateKeys(text: string): string {
  let begin = text.indexOf(PEM_BEGIN);
  if (begin < 0) return text;
  let out = "";
  let last = 0;
  // The next END marker at or after the current block, found once and reused, so the search for
  // it covers the text at most once however many BEGIN lines there are.
  let nextEnd = -1;
  while (begin >= 0) {
    const labelStart = begin + PEM_BEGIN.length;
    const labelEnd = text.slice(labelStart, labelStart + 80).indexOf("-----");
    const label = labelEnd < 0 ? "" : text.slice(labelStart, labelStart + labelEnd);
    if (labelEnd < 0 || !/PRIVATE(?: |%20|\+)KEY/.test(label)) {
      begin = text.indexOf(PEM_BEGIN, labelStart);
      continue;
    }
    const bodyStart = labelStart + labelEnd + 5;
    if (nextEnd !== Infinity && nextEnd < bodyStart) {
      const found = text.indexOf(PEM_END, bodyStart);
      nextEnd = found < 0 ? Infinity : found;
    }
    let stop: number;
    if (nextEnd !== Infinity && nextEnd - bodyStart <= PEM_MAX_BLOCK) {
      const close = text.slice(nextEnd + PEM_END.length, nextEnd + PEM_END.length + 80)
        .indexOf("-----");
      stop = close < 0 ? nextEnd + PEM_END.length : nextEnd + PEM_END.length + close + 5;
    } else {
      stop = bodyStart;
      while (stop < text.length && isPemBodyChar(text.charCodeAt(stop))) stop++;
    }
    out += text.slice(last, begin) + REDACTED;
    last = stop;
    begin = text.indexOf(PEM_BEGIN, stop);
  }
  return out + text.slice(last);
}

// ---------------------------------------------------------------------------------------------
// Credential assignments (hand-written: the value's extent depends on how it is quoted)

/** Text one of whose occurrences every credential key name holds (see {@link isCredentialKey}). */
const KEY_HINT = /key|tok|secret|pass|pw|auth|cookie|credential|session|jwt|bearer|dsn/gi;

/**
 * Where the separator after a key name ends, or -1 when none follows: an optional closing quote
 * (plain, after up to seven backslashes, or `%22`/`%27`), up to four spaces (or `%20`), then `=`,
 * `:`, `%3D` or `%3A`. Bounded: at most 26 characters are looked at.
 */
function separatorEnd(text: string, from: number): number {
  let i = from;
  let slashes = 0;
  while (slashes < 7 && text.charCodeAt(i + slashes) === 0x5c) slashes++;
  const q = text.charCodeAt(i + slashes);
  if (q === 0x22 || q === 0x27) i += slashes + 1;
  else if (isPercent(text, i, "2", "2") || isPercent(text, i, "2", "7")) i += 3;
  for (let n = 0; n < 4; n++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09) i++;
    else if (isPercent(text, i, "2", "0")) i += 3;
    else break;
  }
  const c = text.charCodeAt(i);
  if (c === 0x3d || c === 0x3a) return i + 1;
  if (isPercent(text, i, "3", "A") || isPercent(text, i, "3", "D")) return i + 3;
  return -1;
}

/** Whether `text` has `%<a><b>` at `i`, `b` in any case. */
function isPercent(text: string, i: number, a: string, b: string): boolean {
  return text.charCodeAt(i) === 0x25 && text[i + 1] === a &&
    (text[i + 2] === b || text[i + 2] === b.toLowerCase());
}

function isKeyChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c === 0x5f || c === 0x2e || c === 0x2d;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

const API_KEY_SUFFIX = /api[_-]?key$/i;
const LINE_VALUED = /authorization|cookie/i;

function isSpaceAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x20 || c === 0x09) return 1;
  if (c === 0x25 && text.startsWith("20", i + 1)) return 3;
  if (c === 0x2b) return 1;
  return 0;
}

function isLineBreak(c: number): boolean {
  return c === 0x0a || c === 0x0d;
}

/** End of an unquoted value: stops at whitespace, quotes, `,`, `;`, `&`, `\`, `)`, `}`, `<`, `>`. */
function plainValueEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (
      c <= 0x20 || c === 0x22 || c === 0x27 || c === 0x60 || c === 0x2c || c === 0x3b ||
      c === 0x26 || c === 0x5c || c === 0x29 || c === 0x7d || c === 0x3c || c === 0x3e
    ) break;
    i++;
  }
  return i;
}

/** End of a value that runs to the end of its line (header values): stops at a line break or quote. */
function lineValueEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isLineBreak(c) || c === 0x22 || c === 0x27 || c === 0x5c || c === 0x3c || c === 0x3e) {
      break;
    }
    i++;
  }
  return i;
}

/**
 * Where the value starting at `start` ends: `[valueStart, valueEnd, after]`, where the text from
 * `valueStart` to `valueEnd` is replaced and `after` is where scanning resumes (past a closing
 * quote). `undefined` when there is nothing to redact (an empty value, `null`, a nested object).
 */
function valueExtent(
  text: string,
  start: number,
  lineValued: boolean,
): [number, number, number] | undefined {
  let i = start;
  for (let n = 0; n < 8; n++) {
    const step = isSpaceAt(text, i);
    if (step === 0) break;
    i += step;
  }
  if (i >= text.length) return undefined;
  const c = text.charCodeAt(i);
  // A quote, possibly preceded by backslashes (JSON inside JSON): the value runs to the same
  // sequence, or to the end of the line.
  let slashes = 0;
  while (slashes < 8 && text.charCodeAt(i + slashes) === 0x5c) slashes++;
  const q = text.charCodeAt(i + slashes);
  if (q === 0x22 || q === 0x27) {
    const opener = text.slice(i, i + slashes + 1);
    const valueStart = i + opener.length;
    let j = valueStart;
    while (j < text.length) {
      const d = text.charCodeAt(j);
      if (isLineBreak(d) || (d === q && slashes === 0)) break;
      if (slashes > 0 && d === 0x5c && text.startsWith(opener, j)) break;
      // Skip an escaped character of a JSON string (`\"` inside `"…"`).
      if (slashes === 0 && q === 0x22 && d === 0x5c) j++;
      j++;
    }
    if (j > text.length) j = text.length;
    const closed = text.startsWith(opener, j);
    return [valueStart, j, closed ? j + opener.length : j];
  }
  if (c === 0x25 && /^%2[27]/.test(text.slice(i, i + 3))) {
    const closer = text.slice(i, i + 3).toUpperCase();
    const valueStart = i + 3;
    let j = valueStart;
    while (j < text.length) {
      const d = text.charCodeAt(j);
      if (d <= 0x20 || d === 0x26 || d === 0x22) break;
      if (d === 0x25 && text.slice(j, j + 3).toUpperCase() === closer) break;
      j++;
    }
    const closed = text.slice(j, j + 3).toUpperCase() === closer;
    return [valueStart, j, closed ? j + 3 : j];
  }
  if (c === 0x7b) return undefined; // a nested object: its own keys are scanned next
  if (c === 0x5b) {
    // A list of credentials (`"tokens": ["a", "b"]`), unless it is this module's own marker.
    if (text.startsWith(REDACTED, i)) return [i, i + REDACTED.length, i + REDACTED.length];
    let j = i + 1;
    while (j < text.length && text.charCodeAt(j) !== 0x5d && !isLineBreak(text.charCodeAt(j))) j++;
    const after = text.charCodeAt(j) === 0x5d ? j + 1 : j;
    return [i, after, after];
  }
  const end = lineValued ? lineValueEnd(text, i) : plainValueEnd(text, i);
  let valueEnd = end;
  while (valueEnd > i && text.charCodeAt(valueEnd - 1) === 0x20) valueEnd--;
  return [i, valueEnd, end];
}

const KEPT_VALUES: ReadonlySet<string> = new Set(["", REDACTED, "null", "true", "false"]);

/** Whether the value is one left as it is: empty, `[REDACTED]`, `null`, `true` or `false`. */
function isKeptValue(text: string, start: number, end: number): boolean {
  if (end === start) return true;
  if (end - start > REDACTED.length) return false;
  const c = text.charCodeAt(start);
  if (c !== 0x5b && c !== 0x6e && c !== 0x74 && c !== 0x66) return false; // [ n t f
  return KEPT_VALUES.has(text.slice(start, end));
}

/** How a key name is redacted: not at all, its value, its value to the end of the line, or whole. */
interface KeyKind {
  credential: boolean;
  lineValued: boolean;
  /** Index of `api` in a name ending in `api_key`, `api-key` or `apikey`; -1 otherwise. */
  apiKeyAt: number;
}

const keyKindCache = new Map<string, KeyKind>();

let lastKey = "";
let lastKind: KeyKind = { credential: false, lineValued: false, apiKeyAt: -1 };

function keyKind(key: string): KeyKind {
  if (key === lastKey) return lastKind;
  let kind = keyKindCache.get(key);
  if (kind === undefined) {
    kind = {
      credential: isCredentialKey(key),
      lineValued: LINE_VALUED.test(key),
      apiKeyAt: API_KEY_SUFFIX.exec(key)?.index ?? -1,
    };
    if (keyKindCache.size >= 512) keyKindCache.clear();
    keyKindCache.set(key, kind);
  }
  lastKey = key;
  lastKind = kind;
  return kind;
}

function redactAssignments(text: string): string {
  KEY_HINT.lastIndex = 0;
  let out = "";
  let last = 0;
  let resume = 0;
  for (let hint = KEY_HINT.exec(text); hint !== null; hint = KEY_HINT.exec(text)) {
    const at = hint.index;
    // The identifier holding the hint; the search goes on after it, so each identifier is
    // looked at once and each character scanned a bounded number of times.
    let start = at;
    while (start > resume && isKeyChar(text.charCodeAt(start - 1))) start--;
    let end = KEY_HINT.lastIndex;
    while (end < text.length && isKeyChar(text.charCodeAt(end))) end++;
    KEY_HINT.lastIndex = end;
    if (
      start >= 1 && text.charCodeAt(start - 1) === 0x25 && start + 2 <= at &&
      isHexDigit(text.charCodeAt(start)) && isHexDigit(text.charCodeAt(start + 1))
    ) {
      start += 2; // after a `%XX` escape such as `%22`
    }
    while (start < at && !isLetter(text.charCodeAt(start))) start++;
    const sepEnd = separatorEnd(text, end);
    if (end - start > 64 || sepEnd < 0) continue;
    const key = text.slice(start, end);
    const kind = keyKind(key);
    if (!kind.credential) continue;
    const extent = valueExtent(text, sepEnd, kind.lineValued);
    if (extent === undefined) continue;
    const [valueStart, valueEnd, after] = extent;
    resume = Math.max(after, sepEnd);
    KEY_HINT.lastIndex = Math.max(KEY_HINT.lastIndex, resume);
    if (isKeptValue(text, valueStart, valueEnd)) continue;
    if (kind.apiKeyAt >= 0) {
      // API-key assignments go whole, from the `api` of the name through the closing quote.
      let from = start + kind.apiKeyAt;
      if (kind.apiKeyAt === 0) {
        // An opening quote of the name goes with it.
        let q = from;
        if (text.charCodeAt(q - 1) === 0x22 || text.charCodeAt(q - 1) === 0x27) {
          q--;
          while (q > last && text.charCodeAt(q - 1) === 0x5c) q--;
        }
        from = Math.max(q, last);
      }
      out += text.slice(last, from) + REDACTED;
      last = after;
    } else {
      out += text.slice(last, valueStart) + REDACTED;
      last = valueEnd;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

// ---------------------------------------------------------------------------------------------
// HTTP Basic credentials

function looksLikeBasicCredentials(token: string): boolean {
  const usable = token.replace(/=+$/, "");
  const length = Math.min(usable.length - (usable.length % 4), 4096);
  if (length < 4) return false;
  let decoded: string;
  try {
    decoded = atob(usable.slice(0, length));
  } catch {
    return false;
  }
  return decoded.includes(":") && /^[\x20-\x7e]+$/.test(decoded);
}

// ---------------------------------------------------------------------------------------------
// Token formats (regular expressions, each linear: see the module doc)

/**
 * One pattern: `hint` is text (lower case when `caseless`) without which the pattern cannot
 * match, so the pass is skipped when the text lacks it.
 */
interface Rule {
  hint: string;
  caseless?: boolean;
  pattern: RegExp;
  replacement: string | ((match: string, ...groups: string[]) => string);
}

const SPACE = String.raw`(?:\s|%20|\+)`;
/** A word start, or the end of a `%XX` escape (`%20Bearer`). */
const WORD_START = String.raw`(?:\b|(?<=%[0-9A-Fa-f]{2}))`;

const RULES: readonly Rule[] = [
  // Anthropic API keys, then other `sk-` keys (LLM-proxy virtual keys, OpenAI-style keys).
  {
    hint: "k-",
    pattern: /(?<![A-Za-z0-9])sk-(?:ant-[A-Za-z0-9_-]+|[A-Za-z0-9_-]{10,})/g,
    replacement: REDACTED,
  },
  // Stripe secret and restricted keys, and webhook signing secrets.
  {
    hint: "k_",
    pattern: /(?<![A-Za-z0-9])[sr]k_(?:live|test)_[A-Za-z0-9]{10,}/g,
    replacement: REDACTED,
  },
  { hint: "hsec_", pattern: /(?<![A-Za-z0-9])whsec_[A-Za-z0-9+/=]{16,}/g, replacement: REDACTED },
  // Bearer credentials: the scheme word goes too. A scheme not spelled `Bearer` needs a token of
  // 12+ characters, so prose such as "the bearer of news" stays.
  {
    hint: "Bearer",
    pattern: new RegExp(String.raw`${WORD_START}Bearer${SPACE}{1,4}[A-Za-z0-9._~+/=%-]+`, "g"),
    replacement: REDACTED,
  },
  {
    hint: "bearer",
    caseless: true,
    pattern: new RegExp(String.raw`${WORD_START}bearer${SPACE}{1,4}[A-Za-z0-9._~+/=%-]{12,}`, "gi"),
    replacement: REDACTED,
  },
  // HTTP Basic credentials: only a token that decodes to `user:password`.
  {
    hint: "basic",
    caseless: true,
    pattern: new RegExp(
      String.raw`${WORD_START}Basic${SPACE}{1,4}((?:[A-Za-z0-9+/]|%2[BFbf]){4,}(?:=|%3D){0,2})`,
      "gi",
    ),
    replacement: (match, token) =>
      looksLikeBasicCredentials(decodeURIComponent(token)) ? REDACTED : match,
  },
  // GitHub classic and fine-grained tokens.
  { hint: "gh", pattern: /gh[pousr]_[A-Za-z0-9]+/g, replacement: REDACTED },
  { hint: "github_pat_", pattern: /github_pat_[A-Za-z0-9_]+/g, replacement: REDACTED },
  // GitLab, npm, Hugging Face, SendGrid tokens, Google OAuth access tokens.
  { hint: "glpat-", pattern: /(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}/g, replacement: REDACTED },
  { hint: "npm_", pattern: /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36,}/g, replacement: REDACTED },
  { hint: "hf_", pattern: /(?<![A-Za-z0-9])hf_[A-Za-z0-9]{30,}/g, replacement: REDACTED },
  {
    hint: "SG.",
    pattern: /(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g,
    replacement: REDACTED,
  },
  { hint: "ya29.", pattern: /(?<![A-Za-z0-9])ya29\.[A-Za-z0-9_-]{20,}/g, replacement: REDACTED },
  // Slack tokens and incoming-webhook URLs.
  { hint: "xox", pattern: /xox[abposr]-[A-Za-z0-9-]+/g, replacement: REDACTED },
  {
    hint: "hooks.slack.com",
    caseless: true,
    pattern: /(hooks\.slack\.com(?:\/|\\\/|%2F)services(?:\/|\\\/|%2F))[A-Za-z0-9/\\%]+/gi,
    replacement: `$1${REDACTED}`,
  },
  // Git HTTPS credentials, through the `@` (which may be missing in cut text).
  { hint: "x-access-token:", pattern: /x-access-token:[^@\s/:]*@?/g, replacement: REDACTED },
  // Modal token ids and token secrets.
  {
    hint: "-",
    pattern: /(?<![A-Za-z0-9])a[ks]-[A-Za-z0-9]{12,}[A-Za-z0-9_-]*/g,
    replacement: REDACTED,
  },
  // E2B API keys, any case.
  { hint: "e2b_", caseless: true, pattern: /e2b_[A-Za-z0-9]+/gi, replacement: REDACTED },
  // Google API keys.
  { hint: "AIza", pattern: /AIza[0-9A-Za-z_-]{30,}/g, replacement: REDACTED },
  // AWS access key ids.
  {
    hint: "A",
    pattern:
      /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA)[A-Z0-9]{16}(?![A-Z0-9])/g,
    replacement: REDACTED,
  },
  // JWTs (and any base64url JSON): `eyJ` is `{"` encoded.
  {
    hint: "eyJ",
    pattern: /eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)?(?:\.[A-Za-z0-9_-]*)?/g,
    replacement: REDACTED,
  },
];

const URL_RULES: readonly Rule[] = [
  // Long credentials before an `@` (URL passwords of 20+ characters), the `:` and `@` included.
  { hint: "@", pattern: /:[^:@\s]{20,}@/g, replacement: REDACTED },
  // Any remaining URL password (`scheme://user:password@host`), raw or with JSON-escaped
  // slashes; the user and host stay. No part can hold the `://` the pattern starts with.
  {
    hint: "@",
    pattern: /(:\/\/|:\\\/\\\/)([^\s/\\:@]{0,256}):[^\s/\\@]+@/g,
    replacement: `$1$2:${REDACTED}@`,
  },
  // The same, URL-encoded as a whole (the user's own `%` escapes become `%25`).
  {
    hint: "%3a%2f%2f",
    caseless: true,
    pattern: /(%3A%2F%2F)((?:[^\s%&"'<>\\]|%25){0,256})%3A(?:[^\s%&"'<>\\]|%25)+%40/gi,
    replacement: `$1$2%3A${REDACTED}%40`,
  },
];

const HEX = 1;
const BASE64 = 2;

const RUN_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (isHexDigit(c)) RUN_CLASS[c] = HEX | BASE64;
  else if (isLetter(c) || c === 0x2b || c === 0x2f) RUN_CLASS[c] = BASE64;
}

function isAwsSecret(text: string, start: number, end: number): boolean {
  let upper = false;
  let lower = false;
  let digit = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digit = true;
    else if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (c >= 0x61 && c <= 0x7a) lower = true;
  }
  return upper && lower && digit;
}

/** Whether `text` has a URL-encoded `+` or `/` (`%2B`, `%2F`, any case) at `i`. */
function isEncodedBase64Char(text: string, i: number): boolean {
  if (text.charCodeAt(i) !== 0x25 || text.charCodeAt(i + 1) !== 0x32) return false;
  const c = text.charCodeAt(i + 2) | 0x20;
  return c === 0x62 || c === 0x66;
}

/**
 * Scans the stretch of base64 characters and `%` escapes that starts at `from`, pushes to `cuts`
 * the `[start, end)` of its 64-hex tokens (a maximal run of exactly 64 hex digits; the
 * sandbox-mcp HMAC token) and AWS secret access keys (a maximal run of exactly 40 base64
 * characters, `+` and `/` possibly URL-encoded, not followed by `=` padding, with upper case,
 * lower case and a digit), and returns where the stretch ends.
 */
function scanRuns(text: string, from: number, cuts: number[]): number {
  let hexStart = -1;
  let b64Start = -1;
  let b64Length = 0;
  let i = from;
  for (;;) {
    const code = i < text.length ? text.charCodeAt(i) : 0;
    let cls = code < 128 ? RUN_CLASS[code] : 0;
    let width = 1;
    let inStretch = cls !== 0;
    if (cls === 0 && code === 0x25) {
      inStretch = true;
      if (isEncodedBase64Char(text, i)) {
        cls = BASE64;
        width = 3;
      } else if (isHexDigit(text.charCodeAt(i + 1)) && isHexDigit(text.charCodeAt(i + 2))) {
        width = 3; // another `%XX` escape separates runs, its digits are not part of one
      }
    }
    if ((cls & BASE64) === 0 && b64Start >= 0) {
      if (b64Length === 40 && code !== 0x3d && isAwsSecret(text, b64Start, i)) {
        cuts.push(b64Start, i);
      }
      b64Start = -1;
    }
    if ((cls & HEX) === 0 && hexStart >= 0) {
      if (i - hexStart === 64) cuts.push(hexStart, i);
      hexStart = -1;
    }
    if (!inStretch) return i;
    if ((cls & BASE64) !== 0) {
      if (b64Start < 0) {
        b64Start = i;
        b64Length = 0;
      }
      b64Length++;
    }
    if ((cls & HEX) !== 0 && hexStart < 0) hexStart = i;
    i += width;
  }
}

function isStretchChar(code: number): boolean {
  return (code < 128 && RUN_CLASS[code] !== 0) || code === 0x25;
}

/** Stride of the sampling in {@link redactRuns}: half the shortest run it looks for. */
const RUN_STRIDE = 20;

/**
 * Redacts 64-hex tokens and AWS secret access keys ({@link scanRuns}). Only every 20th character
 * is sampled: a run of 40 or more base64 characters always holds a sampled one, and only the
 * stretch around a sampled character is scanned, so most of ordinary text is never looked at.
 */
function redactRuns(text: string): string {
  const cuts: number[] = [];
  let scannedTo = 0;
  for (let i = 0; i < text.length; i += RUN_STRIDE) {
    if (i < scannedTo || !isStretchChar(text.charCodeAt(i))) continue;
    // The previous sample was outside any stretch, so this goes back fewer than 20 characters.
    let start = i;
    while (start > scannedTo && isStretchChar(text.charCodeAt(start - 1))) start--;
    scannedTo = scanRuns(text, start, cuts) + 1;
  }
  if (cuts.length === 0) return text;
  let out = "";
  let last = 0;
  for (let k = 0; k < cuts.length; k += 2) {
    out += text.slice(last, cuts[k]) + REDACTED;
    last = cuts[k + 1];
  }
  return out + text.slice(last);
}

function applyRules(text: string, lower: string, rules: readonly Rule[]): string {
  let out = text;
  for (const rule of rules) {
    // A hint missing from the input cannot appear later: replacements only insert `[REDACTED]`.
    if (!(rule.caseless ? lower : text).includes(rule.hint)) continue;
    out = typeof rule.replacement === "string"
      ? out.replace(rule.pattern, rule.replacement)
      : out.replace(
        rule.pattern,
        rule.replacement as (match: string, ...rest: unknown[]) => string,
      );
  }
  return out;
}

/**
 * Replaces every secret in `text` with `[REDACTED]`: the formats of the module doc (private keys,
 * provider API keys and tokens, `Bearer` and `Basic` credentials, JWTs, AWS keys, credential
 * assignments such as `"password": "…"`, `?token=…` or `Cookie: …`, URL passwords, 64-hex
 * tokens), raw, URL-encoded or JSON-escaped. Linear in the length of `text`; idempotent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactSecrets } from "@proliferate/core/sandbox";
 *
 * assert.equal(
 *   redactSecrets("clone https://x-access-token:ghs_abc123@github.com/org/repo failed"),
 *   "clone https://[REDACTED]github.com/org/repo failed",
 * );
 * assert.equal(redactSecrets('{"password": "hunter2"}'), '{"password": "[REDACTED]"}');
 * assert.equal(redactSecrets("break-even has-snapshot"), "break-even has-snapshot");
 * ```
 */
export function redactSecrets(text: string): string {
  const lower = text.toLowerCase();
  let out = redactPrivateKeys(text);
  out = applyRules(out, lower, RULES);
  out = redactAssignments(out);
  out = applyRules(out, lower, URL_RULES);
  return redactRuns(out);
}

// ---------------------------------------------------------------------------------------------
// Values and errors

/** Limits of a redacted copy (see {@link redactBody}); beyond them values are cut and marked. */
export interface RedactionLimits {
  /** Deepest level copied; deeper values become a marker. */
  maxDepth: number;
  /** Longest string kept, in characters, after redaction. */
  maxString: number;
  /** Most array items and object members kept per container. */
  maxEntries: number;
}

const DEFAULT_LIMITS: RedactionLimits = {
  maxDepth: 1000,
  maxString: Number.POSITIVE_INFINITY,
  maxEntries: Number.POSITIVE_INFINITY,
};

/** A value nested deeper than a copy keeps. */
const TOO_DEEP = "[REDACTED: nested too deeply]";

interface CopyState {
  seen: WeakMap<object, unknown>;
  limits: RedactionLimits;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function capString(text: string, limits: RedactionLimits): string {
  const redacted = redactSecrets(text);
  return redacted.length > limits.maxString
    ? `${redacted.slice(0, limits.maxString)}… (${
      redacted.length - limits.maxString
    } more characters)`
    : redacted;
}

/** Values kept under a credential-named key: they carry no secret (`max_tokens: 1024`). */
function keepsUnderCredentialKey(value: unknown): boolean {
  return value === undefined || value === null || typeof value === "boolean" ||
    typeof value === "number";
}

function redactErrorInner(error: Error, state: CopyState, depth: number): Error {
  const ownNames = Object.getOwnPropertyNames(error);
  if (!ownNames.includes("message")) {
    // Host errors (DOMException and the like) keep their fields on the prototype behind getters.
    const copy = new Error(capString(String(error.message), state.limits));
    state.seen.set(error, copy);
    copy.name = error.name;
    copy.stack = error.stack === undefined ? undefined : capString(error.stack, state.limits);
    return copy;
  }
  const copy = Object.create(Object.getPrototypeOf(error)) as Error;
  state.seen.set(error, copy);
  for (const name of ownNames) {
    const descriptor = Object.getOwnPropertyDescriptor(error, name);
    if (descriptor === undefined) continue;
    let value: unknown;
    try {
      value = (error as unknown as Record<string, unknown>)[name];
    } catch {
      continue;
    }
    const redacted = isCredentialKey(name) && !keepsUnderCredentialKey(value)
      ? REDACTED
      : redactInner(value, state, depth + 1);
    Object.defineProperty(copy, name, {
      value: redacted,
      writable: true,
      configurable: true,
      enumerable: descriptor.enumerable ?? false,
    });
  }
  return copy;
}

function redactInner(value: unknown, state: CopyState, depth: number): unknown {
  if (typeof value === "string") return capString(value, state.limits);
  if (value === null || typeof value !== "object") {
    return typeof value === "function" || typeof value === "symbol" ? String(value) : value;
  }
  if (state.seen.has(value)) return state.seen.get(value);
  if (depth > state.limits.maxDepth) return TOO_DEEP;
  if (value instanceof Error) return redactErrorInner(value, state, depth);
  const { maxEntries } = state.limits;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    state.seen.set(value, out);
    const kept = Math.min(value.length, maxEntries);
    for (let i = 0; i < kept; i++) out.push(redactInner(value[i], state, depth + 1));
    if (value.length > kept) out.push(`[… ${value.length - kept} more items]`);
    return out;
  }
  if (value instanceof Date) return value;
  if (!isPlainObject(value)) {
    // Bytes, streams, responses, maps…: keep only a redacted description.
    return ArrayBuffer.isView(value) || value instanceof ArrayBuffer
      ? `[binary: ${value.byteLength} bytes]`
      : capString(String(value), state.limits);
  }
  const out: Record<string, unknown> = {};
  state.seen.set(value, out);
  let count = 0;
  const entries = Object.entries(value);
  for (const [key, item] of entries) {
    if (count++ >= maxEntries) {
      out["[…]"] = `${entries.length - maxEntries} more members`;
      break;
    }
    out[redactSecrets(key)] = isCredentialKey(key) && !keepsUnderCredentialKey(item)
      ? REDACTED
      : redactInner(item, state, depth + 1);
  }
  return out;
}

/**
 * A redacted deep copy of `value`: strings (object keys too) pass through {@link redactSecrets};
 * the value of every key whose name means a credential ({@link isCredentialKey}: `token`,
 * `apiKey`, `client_secret`, `password`, `Authorization`, `Set-Cookie`, …) becomes `[REDACTED]`,
 * unless it is `null`, `undefined`, a boolean or a number (`max_tokens: 1024` stays); arrays and plain objects are copied; errors are
 * copied with the same prototype and redacted `message`, `stack`, `cause` and own fields; binary
 * data and other class instances become a short redacted description; values nested more than
 * 1,000 levels deep become a marker instead of overflowing the stack. Cycles are preserved. The
 * input is never modified.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactValue } from "@proliferate/core/sandbox";
 *
 * assert.deepEqual(
 *   redactValue({ apiKey: "abc", detail: "Authorization: Bearer abc.def", n: 1 }),
 *   { apiKey: "[REDACTED]", detail: "Authorization: [REDACTED]", n: 1 },
 * );
 * ```
 */
export function redactValue(value: unknown): unknown {
  return redactInner(value, { seen: new WeakMap(), limits: DEFAULT_LIMITS }, 0);
}

/** Limits of {@link redactBody}. */
export const REDACTED_BODY_LIMITS: Readonly<RedactionLimits> = {
  maxDepth: 16,
  maxString: 2000,
  maxEntries: 100,
};

/**
 * A redacted and capped copy of a parsed response body (or anything else kept for diagnosis):
 * what {@link redactValue} gives, but at most 16 levels deep, 100 items or members per array or
 * object and 2,000 characters per string (after redaction), each cut marked in place.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactBody } from "@proliferate/core/sandbox";
 *
 * const body = { error: "denied", client_secret: "s3cr3t", items: Array(150).fill(1) };
 * const copy = redactBody(body) as { client_secret: string; items: unknown[] };
 * assert.equal(copy.client_secret, "[REDACTED]");
 * assert.equal(copy.items.length, 101);
 * ```
 */
export function redactBody(value: unknown): unknown {
  return redactInner(value, { seen: new WeakMap(), limits: REDACTED_BODY_LIMITS }, 0);
}

/**
 * A copy of `error` (same prototype, so `instanceof` still holds) whose `message`, `stack`, `cause`
 * and own fields are redacted. The original is untouched.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactError } from "@proliferate/core/sandbox";
 *
 * const copy = redactError(new TypeError("bad key sk-ant-api03-abcdef"));
 * assert.ok(copy instanceof TypeError);
 * assert.equal(copy.message, "bad key [REDACTED]");
 * ```
 */
export function redactError<E extends Error>(error: E): E {
  return redactErrorInner(error, { seen: new WeakMap(), limits: DEFAULT_LIMITS }, 0) as E;
}
