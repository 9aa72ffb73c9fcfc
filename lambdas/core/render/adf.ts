import type { IncidentReport, ProcessNode, Rich, Statement } from '../draft/types';
import type { AdfBlock, AdfDoc, AdfInline, AdfListItem } from './adf-nodes';
import {
  blocks,
  bulletList,
  codeBlock,
  doc,
  expand,
  heading,
  inline,
  listItem,
  orderedList,
  paragraph,
  strong,
  table,
  text,
} from './adf-nodes';
import type { RenderBudget } from './budget';
import { fit, SHRINK_LEVELS, truncationNotes } from './budget';
import { BASIS_LABELS, PHASE_LABELS, PHASES, SECTION_TITLES, SUB_TITLES, buildTree, longestValue } from './layout';
import type { TreeNode } from './layout';

/**
 * Jira description in ADF. Alert text only ever lands in text nodes (code-marked for literal values) and code
 * blocks; headings, labels and links are the renderer's own. The JSON is kept within Jira's limit by rendering
 * with smaller and smaller budgets, saying at the top what was cut.
 */

export interface AdfRenderOptions {
  /** Limit on the JSON-serialised document, Jira's description limit by default. */
  maxChars?: number;
}

/** Jira Cloud's limit on a description (and on a comment body). */
export const JIRA_MAX_CHARS = 32767;

const MAX_NESTING = 6;

function r(value: Rich, b: RenderBudget): AdfInline[] {
  return inline(value.map((s) => ({ ...s, text: fit(s.text, b.valueChars) })));
}

function statementItem(s: Statement, b: RenderBudget): AdfListItem {
  return listItem(paragraph(strong(`${BASIS_LABELS[s.basis]}: `), r(s.text, b)));
}

function processItem(t: TreeNode, b: RenderBudget): AdfListItem {
  const n: ProcessNode = t.node;
  const facts: AdfInline[] = [
    ...text(fit(n.image, b.valueChars), [{ type: 'code' }]),
    ...text(n.pid !== undefined ? ` (PID ${n.pid})` : ''),
    ...(n.user !== undefined ? [...text(' · user '), ...text(fit(n.user, b.valueChars), [{ type: 'code' }])] : []),
    ...text(n.integrity !== undefined ? ` · integrity ${fit(n.integrity, 40)}` : ''),
    ...text(n.started !== undefined ? ` · started ${n.started}` : ' · start not in the collected events'),
    ...(n.sha256 !== undefined && b.compact === 0 ? [...text(' · SHA256 '), ...text(fit(n.sha256, 128), [{ type: 'code' }])] : []),
  ];
  const content: AdfListItem['content'] = [paragraph(facts)];
  if (n.commandLine !== undefined && n.commandLine !== '' && b.compact < 2) content.push(codeBlock(fit(n.commandLine, b.valueChars)));
  const actions = b.compact === 0 ? n.actions.slice(0, b.rows) : [];
  const kids = [
    ...actions.map((a) => listItem(paragraph(text('→ '), r(a, b)))),
    ...t.kids.map((k) => processItem(k, b)),
  ];
  const nested = bulletList(kids);
  if (nested !== undefined) content.push(nested);
  return listItem(...content);
}

function omitted(n: number, what: string): AdfBlock | undefined {
  return n > 0 ? paragraph(text(`${n.toLocaleString('en-US')} more ${what} not shown.`)) : undefined;
}

function note(s: Statement | undefined, b: RenderBudget): AdfBlock | undefined {
  return s !== undefined ? paragraph(r(s.text, b)) : undefined;
}

function technical(report: IncidentReport, b: RenderBudget): AdfBlock[] {
  const ta = report.technicalAnalysis;
  const tree = buildTree(ta.processTree.slice(0, b.rows), MAX_NESTING);
  const persistence = ta.persistence.slice(0, b.rows).flatMap((p) => {
    const items = p.fields.map((fl) =>
      fl.block === true
        ? listItem(paragraph(strong(`${fl.label}:`)), codeBlock(fit(fl.value, b.valueChars)))
        : listItem(paragraph(strong(`${fl.label}: `), text(fit(fl.value, b.valueChars), [{ type: 'code' }]))),
    );
    return blocks(
      paragraph(strong(p.title), text(` — ${p.ref}, ${p.time}`)),
      bulletList(items),
      p.effect !== undefined ? paragraph(strong(`${BASIS_LABELS[p.effect.basis]}: `), r(p.effect.text, b)) : undefined,
    );
  });
  const files =
    b.compact === 0
      ? table(
          ['Time (UTC)', 'Action', 'File', 'Process', 'SHA256', 'Source'],
          ta.files.slice(0, b.rows).map((x) => [
            text(x.time),
            text(x.action),
            text(fit(x.path, b.valueChars), [{ type: 'code' }]),
            text(fit(x.process ?? 'not recorded', b.valueChars)),
            x.sha256 !== undefined ? text(x.sha256, [{ type: 'code' }]) : text('not recorded'),
            text(x.ref),
          ]),
        )
      : table(
          ['Time (UTC)', 'Action', 'File', 'Process'],
          ta.files.slice(0, b.rows).map((x) => [
            text(x.time),
            text(x.action),
            text(fit(x.path, b.valueChars), [{ type: 'code' }]),
            text(fit(x.process ?? 'not recorded', b.valueChars)),
          ]),
        );
  const network = table(
    ['Time (UTC)', 'Kind', 'Process', 'Destination', 'Detail', 'Source'],
    ta.network.slice(0, b.rows).map((x) => [
      text(x.time),
      text(x.kind === 'dns' ? 'DNS query' : 'connection'),
      text(fit(x.process ?? 'not recorded', b.valueChars)),
      text(fit(x.destination, b.valueChars), [{ type: 'code' }]),
      text(fit(x.detail ?? '—', b.valueChars)),
      text(x.ref),
    ]),
  );
  const heuristics = bulletList(
    ta.heuristics.slice(0, b.rows).map((h) =>
      listItem(
        paragraph(
          strong(fit(h.title, b.valueChars)),
          text(b.compact === 0 ? ` — ${fit(h.explanation, b.valueChars)}` : ''),
          ...(h.evidence.length > 0
            ? [text(' Evidence: '), ...h.evidence.map((e, i) => [...text(i > 0 ? ', ' : ''), ...text(fit(e, b.valueChars), [{ type: 'code' }])])]
            : []),
        ),
      ),
    ),
  );
  return blocks(
    heading(3, SUB_TITLES.processTree),
    bulletList(tree.map((t) => processItem(t, b))),
    note(ta.notes.processTree, b),
    omitted(ta.processesOmitted + Math.max(0, ta.processTree.length - b.rows), 'processes'),
    heading(3, SUB_TITLES.persistence),
    persistence,
    note(ta.notes.persistence, b),
    omitted(Math.max(0, ta.persistence.length - b.rows), 'persistence mechanisms'),
    heading(3, SUB_TITLES.files),
    files,
    note(ta.notes.files, b),
    omitted(ta.filesOmitted + Math.max(0, ta.files.length - b.rows), 'file events'),
    heading(3, SUB_TITLES.network),
    network,
    note(ta.notes.network, b),
    omitted(ta.networkOmitted + Math.max(0, ta.network.length - b.rows), 'network events'),
    heading(3, SUB_TITLES.heuristics),
    heuristics,
    note(ta.notes.heuristics, b),
  );
}

function body(report: IncidentReport, b: RenderBudget, cuts: string[]): AdfBlock[] {
  const exec = paragraph(...report.executiveSummary.flatMap((s, i) => [text(i > 0 ? ' ' : ''), r(s.text, b)]));
  const context = table(
    ['Field', 'Value'],
    report.initialContext.map((row) => [strong(row.label), r(row.value, b)]),
  );
  const timelineItems = report.timeline.slice(0, b.timeline).map((e) => {
    const folded = e.count > 1 ? ` (×${e.count}${e.lastTime !== undefined ? `, last ${e.lastTime}` : ''})` : '';
    return listItem(paragraph(strong(e.time), text(' — '), r(e.text, b), text(`${folded} [${e.ref}]`)));
  });
  const iocs = table(
    ['Type', 'Indicator (defanged)', 'Role'],
    report.iocs.slice(0, b.rows).map((i) => [text(i.typeLabel), text(fit(i.value, b.valueChars), [{ type: 'code' }]), text(fit(i.role, b.valueChars))]),
  );
  const attack = table(
    ['Technique', 'Name', 'Tactics', 'Evidence'],
    report.attack.map((a) => [
      text(a.id, [{ type: 'code' }]),
      text(a.name),
      text(a.tactics.length > 0 ? a.tactics.join(', ') : 'unknown'),
      text(b.compact === 0 ? fit(a.evidence, b.valueChars) : fit(a.evidence.split(':')[0], b.valueChars)),
    ]),
  );
  // One numbered list per phase, numbering continued across them (orderedList's `order`): containment first.
  const remediation: AdfBlock[] = [];
  let number = 1;
  for (const phase of PHASES) {
    const steps = report.remediation.filter((s) => s.phase === phase);
    const list = orderedList(steps.map((s) => listItem(paragraph(r(s.text, b)))), number);
    if (list === undefined) continue;
    remediation.push(paragraph(strong(PHASE_LABELS[phase])), list);
    number += steps.length;
  }
  const raw = report.rawEvidence.slice(0, b.rawRecords).map((e) => {
    const cut = Number.isFinite(b.rawChars) && e.text.length > b.rawChars;
    const shown = fit(e.text, b.rawChars);
    const label = e.truncated || cut ? ` (cut: ${e.chars.toLocaleString('en-US')} characters in the record)` : '';
    return expand(`${e.title}${label}`, [codeBlock(shown)]);
  });
  const rawLeft = report.rawEvidenceOmitted + Math.max(0, report.rawEvidence.length - b.rawRecords);

  return blocks(
    cuts.length > 0
      ? paragraph(
          strong('Note: '),
          text(
            `this description was shortened to fit Jira's ${JIRA_MAX_CHARS.toLocaleString('en-US')}-character limit: ${cuts.join('; ')}. The complete records stay with the incident's alerts.`,
          ),
        )
      : undefined,
    heading(2, SECTION_TITLES.executiveSummary),
    exec,
    heading(2, SECTION_TITLES.initialContext),
    context,
    heading(2, SECTION_TITLES.technicalAnalysis),
    technical(report, b),
    heading(2, SECTION_TITLES.timeline),
    bulletList(timelineItems),
    timelineItems.length === 0 ? paragraph(text('No events in the analysed alerts.')) : undefined,
    omitted(report.timelineOmitted + Math.max(0, report.timeline.length - b.timeline), 'timeline entries'),
    heading(2, SECTION_TITLES.iocs),
    iocs,
    report.iocs.length === 0 ? paragraph(text('No indicators were extracted from the collected events.')) : undefined,
    omitted(report.iocsOmitted + Math.max(0, report.iocs.length - b.rows), 'indicators'),
    heading(2, SECTION_TITLES.attack),
    attack,
    report.attack.length === 0 ? paragraph(text('No ATT&CK technique was named by the sources or recognised in the events.')) : undefined,
    heading(2, SECTION_TITLES.rootCause),
    paragraph(strong('Hypothesis: '), text(`${report.rootCause.vector} (confidence ${report.rootCause.confidence}).`)),
    bulletList(report.rootCause.statements.map((s) => statementItem(s, b))),
    heading(2, SECTION_TITLES.businessImpact),
    bulletList(report.businessImpact.map((s) => statementItem(s, b))),
    heading(2, SECTION_TITLES.remediation),
    remediation,
    remediation.length === 0 ? paragraph(text('No action is recommended beyond reviewing the alerts.')) : undefined,
    heading(2, SECTION_TITLES.rawEvidence),
    raw,
    raw.length === 0 && rawLeft === 0 ? paragraph(text('No raw records were collected.')) : undefined,
    rawLeft > 0
      ? paragraph(
          text(
            b.rawRecords === 0
              ? `${rawLeft.toLocaleString('en-US')} raw records left out of this description to fit Jira's size limit.`
              : `${rawLeft.toLocaleString('en-US')} more raw records are not shown.`,
          ),
        )
      : undefined,
  );
}

/** The last resort when even the smallest budget does not fit: what the ticket is about, and why it is short. */
function minimal(report: IncidentReport, maxChars: number): AdfDoc {
  const tiny = doc(
    blocks(
      paragraph(strong('Note: '), text("the full analysis did not fit Jira's description limit; run a2t draft on the incident's alerts for the complete report.")),
      heading(2, SECTION_TITLES.executiveSummary),
      paragraph(...report.executiveSummary.map((s) => inline(s.text.map((x) => ({ ...x, text: fit(x.text, 60) }))))),
    ),
  );
  if (JSON.stringify(tiny).length <= maxChars) return tiny;
  return doc([paragraph(strong('Note: '), text('the analysis did not fit the description limit; see the incident in a2t.'))]);
}

/**
 * Render a report as an ADF document whose JSON stays within `maxChars` (Jira's 32,767 by default).
 *
 * @example
 * const adf = renderAdf(draftReport(incident));
 * validateAdf(adf).valid; // true
 */
export function renderAdf(report: IncidentReport, options: AdfRenderOptions = {}): AdfDoc {
  const maxChars = options.maxChars ?? JIRA_MAX_CHARS;
  const counts = {
    raw: report.rawEvidence.length,
    rawLongest: Math.max(0, ...report.rawEvidence.map((e) => e.text.length)),
    timeline: report.timeline.length,
    rowsLargest: Math.max(
      report.technicalAnalysis.processTree.length,
      report.technicalAnalysis.files.length,
      report.technicalAnalysis.network.length,
      report.technicalAnalysis.heuristics.length,
      report.technicalAnalysis.persistence.length,
      report.iocs.length,
    ),
    valueLongest: longestValue(report),
  };
  for (const level of SHRINK_LEVELS) {
    const cuts = truncationNotes(level, counts);
    const d = doc(body(report, level, cuts));
    if (JSON.stringify(d).length <= maxChars) return d;
  }
  return minimal(report, maxChars);
}
