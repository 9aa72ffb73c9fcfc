import { adfToHtml, escapeHtml } from './adf-html';
import { jiraTime } from './representation';
import type { Site } from './site';
import type { IssueStore, StoredIssue } from './store';

/**
 * Read-only pages for a person: `GET /` lists the issues, `GET /browse/KEY` shows one as an analyst would read it.
 * Every value is escaped (adf-html.ts); the pages are also served with a Content-Security-Policy that forbids scripts.
 */

export const HTML_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
  'X-Content-Type-Options': 'nosniff',
};

const STYLE = `body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#172b4d}
table{border-collapse:collapse}td,th{border:1px solid #dfe1e6;padding:4px 8px;text-align:left;vertical-align:top}
.meta td:first-child{color:#6b778c}.lozenge{background:#dfe1e6;border-radius:3px;padding:0 4px;font-size:12px}
.comment{border-top:1px solid #dfe1e6;padding:.5rem 0}pre{background:#f4f5f7;padding:8px;overflow:auto}
.label{background:#e9f2ff;border-radius:3px;padding:0 4px;margin-right:4px}.panel{border-left:3px solid #0052cc;padding:4px 8px}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function issueListPage(site: Site, store: IssueStore): string {
  const rows = [...store.all()]
    .reverse()
    .map(
      (i) =>
        `<tr><td><a href="/browse/${encodeURIComponent(i.key)}">${escapeHtml(i.key)}</a></td><td>${escapeHtml(i.summary)}</td>` +
        `<td>${escapeHtml(i.priority)}</td><td><span class="lozenge">${escapeHtml(i.status)}</span></td>` +
        `<td>${i.comments.length}</td><td>${escapeHtml(jiraTime(i.updated))}</td></tr>`,
    )
    .join('');
  const table =
    rows === ''
      ? '<p>No issues yet.</p>'
      : `<table><tr><th>Key</th><th>Summary</th><th>Priority</th><th>Status</th><th>Comments</th><th>Updated</th></tr>${rows}</table>`;
  return page(
    `${site.projectKey} issues`,
    `<h1>${escapeHtml(site.projectName)} (${escapeHtml(site.projectKey)})</h1>${table}`,
  );
}

export function issuePage(store: IssueStore, issue: StoredIssue): string {
  const links = store
    .links()
    .filter((l) => l.inwardKey === issue.key || l.outwardKey === issue.key)
    .map((l) => {
      const other = l.inwardKey === issue.key ? l.outwardKey : l.inwardKey;
      return `<li>${escapeHtml(l.typeName)}: <a href="/browse/${encodeURIComponent(other)}">${escapeHtml(other)}</a></li>`;
    })
    .join('');
  const meta: [string, string][] = [
    ['Type', escapeHtml(issue.issueType)],
    ['Priority', escapeHtml(issue.priority)],
    ['Status', `<span class="lozenge">${escapeHtml(issue.status)}</span>`],
    ['Resolution', escapeHtml(issue.resolution ?? 'Unresolved')],
    ['Labels', issue.labels.map((l) => `<span class="label">${escapeHtml(l)}</span>`).join('')],
    ['Components', escapeHtml(issue.components.join(', '))],
    ['Created', escapeHtml(jiraTime(issue.created))],
    ['Updated', escapeHtml(jiraTime(issue.updated))],
  ];
  for (const [id, value] of Object.entries(issue.customFields)) meta.push([escapeHtml(id), escapeHtml(String(value))]);
  const comments = issue.comments
    .map(
      (c) =>
        `<div class="comment"><div class="lozenge">${escapeHtml(jiraTime(c.created))}</div>${adfToHtml(c.body)}</div>`,
    )
    .join('');
  const body =
    `<p><a href="/">All issues</a></p><h1>${escapeHtml(issue.key)}: ${escapeHtml(issue.summary)}</h1>` +
    `<table class="meta">${meta.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join('')}</table>` +
    (links === '' ? '' : `<h2>Links</h2><ul>${links}</ul>`) +
    `<h2>Description</h2>${adfToHtml(issue.description)}` +
    attachmentList(issue) +
    `<h2>Comments (${issue.comments.length})</h2>${comments}`;
  return page(`${issue.key} ${issue.summary}`, body);
}

/** Attached files with a download link (served by the emulator's page routes, as a download, never rendered). */
function attachmentList(issue: StoredIssue): string {
  const files = issue.attachments ?? [];
  if (files.length === 0) return '';
  const items = files
    .map(
      (a) =>
        `<li><a href="/secure/attachment/${encodeURIComponent(a.id)}/${encodeURIComponent(a.filename)}">${escapeHtml(a.filename)}</a> (${a.size} bytes)</li>`,
    )
    .join('');
  return `<h2>Attachments (${files.length})</h2><ul>${items}</ul>`;
}
