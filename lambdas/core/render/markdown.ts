import type { IncidentReport, Rich, Statement } from '../model/report';
import {
  BASIS_LABELS,
  PHASE_LABELS,
  SECTION_TITLES,
  SUB_TITLES,
  buildTree,
  detectionMatched,
  foldedTime,
} from './layout';
import type { TreeNode } from './layout';
import { mdCellCode, mdCode, mdCodeBlock, mdTable, mdText } from './markdown-escape';

/**
 * The report as GitHub-flavoured Markdown, for the CLI and `out/` files. Same sections as the ADF; every value from
 * the events goes through an escaper, so the only markup in the output is the renderer's.
 */

const MAX_NESTING = 6;

function md(r: Rich): string {
  return r.map((s) => (s.code === true ? mdCode(s.text) : mdText(s.text))).join('');
}

/** Rich text inside a table cell: code spans that contain a pipe fall back to escaped text. */
function mdCell(r: Rich): string {
  return r.map((s) => (s.code === true ? mdCellCode(s.text) : mdText(s.text))).join('');
}

function statement(s: Statement): string {
  return `- **${BASIS_LABELS[s.basis]}:** ${md(s.text)}`;
}

function processLines(t: TreeNode, level: number): string[] {
  const n = t.node;
  const pad = '  '.repeat(level);
  const bits = [
    `${n.named ? mdCode(n.image) : mdText(n.image)}${n.pid !== undefined ? ` (PID ${n.pid})` : ''}`,
    n.user !== undefined ? `user ${mdCode(n.user)}` : undefined,
    n.integrity !== undefined ? `integrity ${mdText(n.integrity)}` : undefined,
    n.started !== undefined ? `started ${mdText(n.started)}` : 'start not in the collected events',
    n.sha256 !== undefined ? `SHA256 ${mdCode(n.sha256)}` : undefined,
  ].filter((b): b is string => b !== undefined);
  const lines = [`${pad}- ${bits.join(' · ')}`];
  if (n.commandLine !== undefined && n.commandLine !== '') lines.push('', mdCodeBlock(n.commandLine, `${pad}  `), '');
  for (const a of n.actions) lines.push(`${pad}  - → ${md(a)}`);
  for (const k of t.kids) lines.push(...processLines(k, level + 1));
  return lines;
}

function omitted(n: number, what: string): string[] {
  return n > 0 ? ['', `${n.toLocaleString('en-US')} more ${what} not shown.`] : [];
}

function technical(report: IncidentReport): string[] {
  const ta = report.technicalAnalysis;
  const out: string[] = [`### ${SUB_TITLES.processTree}`, ''];
  if (ta.processTree.length > 0) out.push(...buildTree(ta.processTree, MAX_NESTING).flatMap((t) => processLines(t, 0)));
  if (ta.notes.processTree !== undefined) out.push(md(ta.notes.processTree.text));
  out.push(...omitted(ta.processesOmitted, 'processes'), '', `### ${SUB_TITLES.persistence}`, '');
  for (const p of ta.persistence) {
    out.push(`**${mdText(p.title)}** — ${mdText(p.ref)}, ${mdText(p.time)}`, '');
    for (const fl of p.fields) {
      if (fl.block === true) out.push(`- **${mdText(fl.label)}:**`, '', mdCodeBlock(fl.value, '  '), '');
      else out.push(`- **${mdText(fl.label)}:** ${mdCode(fl.value)}`);
    }
    if (p.effect !== undefined) out.push('', `**${BASIS_LABELS[p.effect.basis]}:** ${md(p.effect.text)}`);
    out.push('');
  }
  if (ta.notes.persistence !== undefined) out.push(md(ta.notes.persistence.text), '');
  out.push(`### ${SUB_TITLES.files}`, '');
  if (ta.files.length > 0) {
    out.push(
      mdTable(
        ['Time (UTC)', 'Action', 'File', 'Process', 'SHA256', 'Source'],
        ta.files.map((x) => [
          mdText(foldedTime(x)),
          mdText(x.action),
          mdCellCode(x.path),
          mdText(x.process ?? 'not recorded'),
          x.sha256 !== undefined ? mdCellCode(x.sha256) : 'not recorded',
          mdText(x.ref),
        ]),
      ),
    );
  }
  if (ta.notes.files !== undefined) out.push(md(ta.notes.files.text));
  out.push(...omitted(ta.filesOmitted, 'file events'), '', `### ${SUB_TITLES.network}`, '');
  if (ta.network.length > 0) {
    out.push(
      mdTable(
        ['Time (UTC)', 'Kind', 'Process', 'Destination', 'Detail', 'Source'],
        ta.network.map((x) => [
          mdText(foldedTime(x)),
          x.kind === 'dns' ? 'DNS query' : 'connection',
          mdText(x.process ?? 'not recorded'),
          mdCellCode(x.destination),
          mdText(x.detail ?? '—'),
          mdText(x.ref),
        ]),
      ),
    );
  }
  if (ta.notes.network !== undefined) out.push(md(ta.notes.network.text));
  out.push(...omitted(ta.networkOmitted, 'network events'), '', `### ${SUB_TITLES.heuristics}`, '');
  for (const h of ta.heuristics) {
    const ev = h.evidence.length > 0 ? ` Evidence: ${h.evidence.map(mdCode).join(', ')}` : '';
    out.push(`- **${mdText(h.title)}** — ${mdText(h.explanation)}${ev}`);
  }
  if (ta.notes.heuristics !== undefined) out.push(md(ta.notes.heuristics.text));
  return out;
}

/**
 * Render a report as Markdown: a title line with priority, severity and labels, then the ticket's sections.
 *
 * @example
 * process.stdout.write(renderMarkdown(draftReport(incident)));
 */
export function renderMarkdown(report: IncidentReport): string {
  const out: string[] = [
    `# ${mdText(report.summary)}`,
    '',
    `**Priority:** ${mdText(`${report.priority.level} – ${report.priority.name}`)} · **Severity:** ${report.severity}/100 · **Labels:** ${report.labels.map(mdCode).join(', ')}`,
    '',
    `## ${SECTION_TITLES.executiveSummary}`,
    '',
    report.executiveSummary.map((s) => md(s.text)).join(' '),
    '',
    `## ${SECTION_TITLES.initialContext}`,
    '',
    mdTable(
      ['Field', 'Value'],
      report.initialContext.map((row) => [`**${mdText(row.label)}**`, mdCell(row.value)]),
    ),
    '',
    `## ${SECTION_TITLES.technicalAnalysis}`,
    '',
    ...technical(report),
    '',
    `## ${SECTION_TITLES.timeline}`,
    '',
  ];
  for (const e of report.timeline) {
    const folded = e.count > 1 ? ` (×${e.count}${e.lastTime !== undefined ? `, last ${mdText(e.lastTime)}` : ''})` : '';
    out.push(`- **${mdText(e.time)}** — ${md(e.text)}${folded} \\[${mdText(e.ref)}\\]`);
  }
  if (report.timeline.length === 0) out.push('No events in the analysed alerts.');
  out.push(...omitted(report.timelineOmitted, 'timeline entries'), '', `## ${SECTION_TITLES.iocs}`, '');
  if (report.iocs.length > 0) {
    out.push(
      mdTable(
        ['Type', 'Indicator (defanged)', 'Role'],
        report.iocs.map((i) => [mdText(i.typeLabel), mdCellCode(i.value), mdText(i.role)]),
      ),
    );
  } else out.push('No indicators were extracted from the collected events.');
  out.push(...omitted(report.iocsOmitted, 'indicators'), '', `## ${SECTION_TITLES.attack}`, '');
  if (report.attack.length > 0) {
    out.push(
      mdTable(
        ['Technique', 'Name', 'Tactics', 'Evidence'],
        report.attack.map((a) => [
          mdCellCode(a.id),
          mdText(a.name),
          mdText(a.tactics.length > 0 ? a.tactics.join(', ') : 'unknown'),
          mdText(a.evidence),
        ]),
      ),
    );
  } else out.push('No ATT&CK technique was named by the sources or recognised in the events.');
  if (report.detections.length > 0) {
    out.push(
      '',
      `## ${SECTION_TITLES.detections}`,
      '',
      mdTable(
        ['Sigma rule', 'Level', 'Author', 'Matched', 'Known false positives'],
        report.detections.map((d) => [
          mdText(d.title),
          mdText(d.level),
          mdText(d.author),
          mdText(detectionMatched(d)),
          mdText(d.falsePositives ?? '—'),
        ]),
      ),
      ...omitted(report.detectionsOmitted, 'matching rules'),
    );
  }
  out.push(
    '',
    `## ${SECTION_TITLES.rootCause}`,
    '',
    `**Hypothesis:** ${mdText(report.rootCause.vector)} — confidence ${report.rootCause.confidence}.`,
    '',
    ...report.rootCause.statements.map(statement),
    '',
    `## ${SECTION_TITLES.businessImpact}`,
    '',
    ...report.businessImpact.map(statement),
    '',
    `## ${SECTION_TITLES.remediation}`,
    '',
    ...report.remediation.map((s, i) => `${i + 1}. **${PHASE_LABELS[s.phase]}:** ${md(s.text)}`),
    '',
    `## ${SECTION_TITLES.rawEvidence}`,
    '',
  );
  for (const e of report.rawEvidence) {
    const cut = e.truncated ? ` (cut: ${e.chars.toLocaleString('en-US')} characters in the record)` : '';
    out.push(`#### ${mdText(e.title)}${cut}`, '', mdCodeBlock(e.text), '');
  }
  if (report.rawEvidence.length === 0 && report.rawEvidenceOmitted === 0) out.push('No raw records were collected.');
  out.push(...omitted(report.rawEvidenceOmitted, 'raw records'));
  return `${out.join('\n').trimEnd()}\n`;
}
