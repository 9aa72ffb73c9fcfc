/**
 * ADF to HTML for the emulator's issue pages. Alert content is hostile (command lines, file names and URLs chosen by
 * an attacker), so every text and every attribute value is HTML-escaped, links keep only http(s) and mailto targets,
 * and unknown node types render their children, never raw content.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Node = { type?: unknown; text?: unknown; content?: unknown; attrs?: Record<string, unknown>; marks?: unknown };
type Mark = { type?: unknown; attrs?: Record<string, unknown> };

export function adfToHtml(doc: unknown): string {
  if (typeof doc !== 'object' || doc === null) return '';
  return children(doc as Node);
}

function children(node: Node): string {
  return Array.isArray(node.content) ? node.content.map((c) => render(c as Node)).join('') : '';
}

function attr(node: Node, name: string): unknown {
  return node.attrs?.[name];
}

function safeHref(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function render(node: Node): string {
  if (typeof node !== 'object' || node === null) return '';
  const inner = () => children(node);
  switch (node.type) {
    case 'text':
      return marked(typeof node.text === 'string' ? escapeHtml(node.text) : '', node.marks);
    case 'paragraph':
      return `<p>${inner()}</p>`;
    case 'heading': {
      const level = Number(attr(node, 'level'));
      const h = Number.isInteger(level) && level >= 1 && level <= 6 ? level : 3;
      return `<h${h}>${inner()}</h${h}>`;
    }
    case 'bulletList':
      return `<ul>${inner()}</ul>`;
    case 'orderedList':
      return `<ol>${inner()}</ol>`;
    case 'listItem':
      return `<li>${inner()}</li>`;
    case 'codeBlock':
      return `<pre><code>${inner()}</code></pre>`;
    case 'blockquote':
      return `<blockquote>${inner()}</blockquote>`;
    case 'rule':
      return '<hr>';
    case 'hardBreak':
      return '<br>';
    case 'table':
      return `<table>${inner()}</table>`;
    case 'tableRow':
      return `<tr>${inner()}</tr>`;
    case 'tableHeader':
      return `<th>${inner()}</th>`;
    case 'tableCell':
      return `<td>${inner()}</td>`;
    case 'panel':
      return `<div class="panel panel-${escapeHtml(String(attr(node, 'panelType') ?? 'info'))}">${inner()}</div>`;
    case 'expand':
    case 'nestedExpand':
      return `<details><summary>${escapeHtml(String(attr(node, 'title') ?? 'Details'))}</summary>${inner()}</details>`;
    case 'status':
      return `<span class="lozenge">${escapeHtml(String(attr(node, 'text') ?? ''))}</span>`;
    case 'emoji':
      return escapeHtml(String(attr(node, 'text') ?? attr(node, 'shortName') ?? ''));
    case 'mention':
      return `<span class="mention">${escapeHtml(String(attr(node, 'text') ?? '@user'))}</span>`;
    case 'date': {
      const ts = Number(attr(node, 'timestamp'));
      return Number.isFinite(ts) ? escapeHtml(new Date(ts).toISOString().slice(0, 10)) : '';
    }
    case 'inlineCard':
    case 'blockCard': {
      const href = safeHref(attr(node, 'url'));
      return href === undefined
        ? ''
        : `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${escapeHtml(href)}</a>`;
    }
    default:
      return inner();
  }
}

function marked(html: string, marks: unknown): string {
  if (!Array.isArray(marks)) return html;
  let out = html;
  for (const m of marks as Mark[]) {
    switch (m.type) {
      case 'strong':
        out = `<strong>${out}</strong>`;
        break;
      case 'em':
        out = `<em>${out}</em>`;
        break;
      case 'code':
        out = `<code>${out}</code>`;
        break;
      case 'strike':
        out = `<s>${out}</s>`;
        break;
      case 'underline':
        out = `<u>${out}</u>`;
        break;
      case 'link': {
        const href = safeHref(m.attrs?.href);
        if (href !== undefined) out = `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${out}</a>`;
        break;
      }
      default:
        break;
    }
  }
  return out;
}
