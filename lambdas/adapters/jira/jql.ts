/**
 * JQL is built here and only here, and every value goes through {@link jqlString}: a label or key that came from
 * alert data can then never add a clause, end the string, or turn into a reserved word.
 */

/**
 * Quotes a JQL string literal: wraps the value in double quotes and escapes what JQL gives meaning to inside one
 * (backslash, double quote) and every control character (`\n`, `\r`, `\t`, else `\uXXXX`). Inside quotes, reserved
 * words (`AND`, `OR`, `ORDER`, `empty`, `null`) and reserved characters are plain text.
 *
 * @example
 * jqlString('a"b')       // "a\"b"
 * jqlString('x OR y')    // "x OR y"   (one value, not two clauses)
 */
export function jqlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    // C0 and C1 controls, and the line/paragraph separators, which some parsers treat as line ends.
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** The issues of a project that carry a label, oldest first: how a retry finds the ticket it may already have made. */
export function jqlIncidentLookup(projectKey: string, label: string): string {
  return `project = ${jqlString(projectKey)} AND labels = ${jqlString(label)} ORDER BY created ASC`;
}

/** The newest issue of a project in a status (the site check samples one per status to read its transitions). */
export function jqlLatestInStatus(projectKey: string, statusName: string): string {
  return `project = ${jqlString(projectKey)} AND status = ${jqlString(statusName)} ORDER BY created DESC`;
}
