import { visible } from '../model/report';

/**
 * Escaping alert text for CommonMark + GFM, so hostile text stays text: no emphasis, links, autolinks, images,
 * HTML, headings, list markers, tables or code spans can be made from it.
 */

/**
 * Inline text: every markup character backslash-escaped (`#` and `>` too, wherever they are), autolink triggers
 * broken, newlines folded. Block structure cannot come from data: the renderer starts every line with its own
 * text (a heading, list marker, label or table pipe), and a value never spans lines.
 */
export function mdText(value: string): string {
  return (
    visible(value.replace(/[\r\n]+/g, ' '))
      // One pass over every markup character, backslash included, so no escape is escaped twice.
      .replace(/[\\`*_[\]<>#|~&]/g, (ch) => `\\${ch}`)
      // GFM turns bare http://, www. and e-mail addresses into links: break the trigger without changing the text.
      .replace(/:\/\//g, '\\://')
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`)
      .replace(/@/g, '\\@')
  );
}

/**
 * An inline code span that holds any text: the fence is one backtick longer than the longest run inside, and a
 * space pads content that starts or ends with a backtick or space (CommonMark strips exactly one).
 */
export function mdCode(value: string): string {
  const v = visible(value.replace(/[\r\n]+/g, ' '));
  if (v === '') return '';
  const longest = Math.max(0, ...[...v.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(v) ? ' ' : '';
  return `${fence}${pad}${v}${pad}${fence}`;
}

/**
 * A code value inside a GFM table cell. GFM splits cells on `|` before it parses code spans, and a backslash
 * before an escaped pipe cannot be represented exactly inside a span, so a value with a pipe is shown as escaped
 * text instead.
 */
export function mdCellCode(value: string): string {
  return value.includes('|') ? mdText(value) : mdCode(value);
}

/**
 * A fenced code block: the fence is longer than any backtick run inside, so the content cannot close it.
 * `indent` prefixes every line (code blocks inside list items).
 */
export function mdCodeBlock(value: string, indent = ''): string {
  const v = visible(value.replace(/\r\n?/g, '\n'));
  const longest = Math.max(0, ...[...v.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const lines = [`${fence}text`, ...v.split('\n'), fence];
  return lines.map((l) => `${indent}${l}`).join('\n');
}

/** A GFM table; `cells` are already-escaped Markdown, with newlines folded by the escapers. */
export function mdTable(headers: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map((c) => (c === '' ? '—' : c)).join(' | ')} |`;
  return [line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}
