import { visible } from '../model/report';
import type { Rich } from '../model/report';

/**
 * Atlassian Document Format nodes, the subset the ticket uses, and builders that cannot produce invalid ones:
 * no empty text node (ADF's schema and Jira refuse `text: ""`), no list or table without items, marks only
 * `code` and `strong`, never a link built from alert text.
 */

export interface AdfMark {
  type: 'code' | 'strong';
}

export interface AdfText {
  type: 'text';
  text: string;
  marks?: AdfMark[];
}

export interface AdfHardBreak {
  type: 'hardBreak';
}

export type AdfInline = AdfText | AdfHardBreak;

export interface AdfParagraph {
  type: 'paragraph';
  content: AdfInline[];
}

export interface AdfHeading {
  type: 'heading';
  attrs: { level: 1 | 2 | 3 | 4 | 5 | 6 };
  content: AdfInline[];
}

export interface AdfCodeBlock {
  type: 'codeBlock';
  attrs?: { language?: string };
  content?: AdfText[];
}

export interface AdfListItem {
  type: 'listItem';
  content: (AdfParagraph | AdfBulletList | AdfOrderedList | AdfCodeBlock)[];
}

export interface AdfBulletList {
  type: 'bulletList';
  content: AdfListItem[];
}

export interface AdfOrderedList {
  type: 'orderedList';
  attrs?: { order: number };
  content: AdfListItem[];
}

export interface AdfTableCell {
  type: 'tableCell' | 'tableHeader';
  content: (AdfParagraph | AdfCodeBlock | AdfBulletList)[];
}

export interface AdfTableRow {
  type: 'tableRow';
  content: AdfTableCell[];
}

export interface AdfTable {
  type: 'table';
  content: AdfTableRow[];
}

export interface AdfExpand {
  type: 'expand';
  attrs: { title: string };
  content: (AdfParagraph | AdfCodeBlock)[];
}

export interface AdfRule {
  type: 'rule';
}

export type AdfBlock =
  AdfParagraph | AdfHeading | AdfCodeBlock | AdfBulletList | AdfOrderedList | AdfTable | AdfExpand | AdfRule;

export interface AdfDoc {
  version: 1;
  type: 'doc';
  content: AdfBlock[];
}

/** A text node, or nothing for an empty string. Bidi and control characters are shown, not obeyed. */
export function text(value: string, marks?: AdfMark[]): AdfText[] {
  const v = visible(value);
  if (v === '') return [];
  return marks !== undefined && marks.length > 0 ? [{ type: 'text', text: v, marks }] : [{ type: 'text', text: v }];
}

/** Inline nodes of rich text: code spans get the code mark; newlines inside a span become spaces. */
export function inline(r: Rich): AdfInline[] {
  return r.flatMap((s) => text(s.text.replace(/[\r\n]+/g, ' '), s.code === true ? [{ type: 'code' }] : undefined));
}

export function strong(value: string): AdfText[] {
  return text(value, [{ type: 'strong' }]);
}

/**
 * Adjacent text nodes with the same marks joined into one: the same document, fewer nodes. Each node costs ~30
 * characters of JSON, which counts against Jira's 32,767-character limit.
 */
export function merged(nodes: AdfInline[]): AdfInline[] {
  const out: AdfInline[] = [];
  for (const n of nodes) {
    const last = out[out.length - 1];
    if (
      n.type === 'text' &&
      last?.type === 'text' &&
      JSON.stringify(last.marks ?? []) === JSON.stringify(n.marks ?? [])
    ) {
      out[out.length - 1] = { ...last, text: last.text + n.text };
    } else out.push(n);
  }
  return out;
}

export function paragraph(...content: AdfInline[][]): AdfParagraph {
  return { type: 'paragraph', content: merged(content.flat()) };
}

export function heading(level: AdfHeading['attrs']['level'], title: string): AdfHeading {
  return { type: 'heading', attrs: { level }, content: text(title) };
}

/** A code block; its text keeps newlines (command lines, records) and is never marked up. */
export function codeBlock(value: string): AdfCodeBlock {
  const content = text(value);
  return content.length > 0 ? { type: 'codeBlock', content } : { type: 'codeBlock' };
}

export function listItem(...content: AdfListItem['content']): AdfListItem {
  return { type: 'listItem', content: content.length > 0 ? content : [paragraph()] };
}

/** A bullet list, or undefined when there is nothing to list (ADF forbids empty lists). */
export function bulletList(items: AdfListItem[]): AdfBulletList | undefined {
  return items.length > 0 ? { type: 'bulletList', content: items } : undefined;
}

/** A numbered list starting at `order` (a list continued after a heading starts past 1). */
export function orderedList(items: AdfListItem[], order = 1): AdfOrderedList | undefined {
  if (items.length === 0) return undefined;
  return order === 1
    ? { type: 'orderedList', content: items }
    : { type: 'orderedList', attrs: { order }, content: items };
}

/** A cell holding one paragraph; an empty value shows a dash rather than an empty text node. */
export function cell(content: AdfInline[], header = false): AdfTableCell {
  return {
    type: header ? 'tableHeader' : 'tableCell',
    content: [paragraph(content.length > 0 ? content : text('—'))],
  };
}

/** A table with a header row (Jira styles header cells itself); undefined when there are no data rows. */
export function table(headers: string[], rows: AdfInline[][][]): AdfTable | undefined {
  if (rows.length === 0) return undefined;
  return {
    type: 'table',
    content: [
      { type: 'tableRow', content: headers.map((h) => cell(text(h), true)) },
      ...rows.map((r): AdfTableRow => ({ type: 'tableRow', content: r.map((c) => cell(c)) })),
    ],
  };
}

/** A two-column field/value table whose first column is the header column; undefined when empty. */
export function fieldTable(rows: [string, AdfInline[]][]): AdfTable | undefined {
  if (rows.length === 0) return undefined;
  return {
    type: 'table',
    content: rows.map(([label, value]): AdfTableRow => ({
      type: 'tableRow',
      content: [cell(text(label), true), cell(value)],
    })),
  };
}

export function expand(title: string, content: AdfExpand['content']): AdfExpand {
  return {
    type: 'expand',
    attrs: { title: visible(title) },
    content: content.length > 0 ? content : [paragraph(text('—'))],
  };
}

/** Drop undefined blocks (empty lists and tables) from a block list. */
export function blocks(...items: (AdfBlock | undefined | (AdfBlock | undefined)[])[]): AdfBlock[] {
  return items.flat().filter((b): b is AdfBlock => b !== undefined);
}

export function doc(content: AdfBlock[]): AdfDoc {
  return { version: 1, type: 'doc', content };
}
