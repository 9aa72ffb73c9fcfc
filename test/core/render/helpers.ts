import type { AdfDoc } from '../../../lambdas/core/render';

/** Walks and checks for rendered documents. */

interface Node {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  content?: Node[];
}

export function nodes(doc: AdfDoc): Node[] {
  const out: Node[] = [];
  const walk = (n: Node): void => {
    out.push(n);
    for (const c of n.content ?? []) walk(c);
  };
  walk(doc as unknown as Node);
  return out;
}

export function texts(doc: AdfDoc): string[] {
  return nodes(doc).flatMap((n) => (n.type === 'text' ? [n.text ?? ''] : []));
}

/** Text of everything under a node. */
export function textOf(n: Node): string {
  return n.type === 'text' ? (n.text ?? '') : (n.content ?? []).map(textOf).join('');
}

/** Words that only appear when a renderer printed a missing or mistyped value. */
export const RENDER_FAULTS = /\bundefined\b|\bnull\b|\bNaN\b|\[object Object\]/;

/** Top-level and sub-section headings with the number of blocks each is followed by before the next heading. */
export function adfSections(doc: AdfDoc): { title: string; blocks: number }[] {
  const out: { title: string; blocks: number }[] = [];
  for (const b of doc.content as unknown as Node[]) {
    if (b.type === 'heading') out.push({ title: textOf(b), blocks: 0 });
    else if (out.length > 0) out[out.length - 1].blocks += 1;
  }
  return out;
}

/** Markdown headings with the count of non-blank lines under each until the next heading. */
export function markdownSections(md: string): { title: string; lines: number }[] {
  const out: { title: string; lines: number }[] = [];
  for (const line of md.split('\n')) {
    if (/^#{1,3} /.test(line)) out.push({ title: line, lines: 0 });
    else if (out.length > 0 && line.trim() !== '') out[out.length - 1].lines += 1;
  }
  return out;
}

/** The text of each paragraph (and heading), so assertions read whole sentences. */
export function paragraphs(doc: AdfDoc): string[] {
  return nodes(doc)
    .filter((n) => n.type === 'paragraph' || n.type === 'heading')
    .map(textOf);
}
