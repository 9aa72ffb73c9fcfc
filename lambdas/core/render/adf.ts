import type { IncidentReport, ProcessNode, Rich, Statement } from '../model/report';
import type { AdfBlock, AdfDoc, AdfInline, AdfListItem } from './adf-nodes';
import {
  blocks,
  bulletList,
  codeBlock,
  doc,
  expand,
  fieldTable,
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
import {
  BASIS_LABELS,
  PHASE_LABELS,
  PHASES,
  SECTION_TITLES,
  SUB_TITLES,
  buildTree,
  detectionMatched,
  foldedTime,
  longestValue,
} from './layout';
import type { TreeNode } from './layout';

/**
 * Jira description in ADF. Alert text only ever lands in text nodes (code-marked for literal values) and code
 * blocks; headings, labels and structure are the renderer's own, and nothing becomes a link. The JSON is kept
 * within Jira's limit by rendering with smaller and smaller budgets, saying at the top what was cut.
 */

export interface AdfRenderOptions {
  /** Limit on the JSON-serialised document, Jira's description limit by default. */
  maxChars?: number;
}

/** Jira Cloud's limit on a description (and on a comment body). */
export const JIRA_MAX_CHARS = 32767;

const MAX_NESTING = 6;
const CODE = [{ type: 'code' as const }];

function r(value: Rich, b: RenderBudget): AdfInline[] {
  return inline(value.map((s) => ({ ...s, text: fit(s.text, b.valueChars) })));
}

function statementItem(s: Statement, b: RenderBudget): AdfListItem {
  return listItem(paragraph(strong(`${BASIS_LABELS[s.basis]}: `), r(s.text, b)));
}

function processItem(t: TreeNode, b: RenderBudget): AdfListItem {
  const n: ProcessNode = t.node;
  const facts: AdfInline[] = [
    ...text(fit(n.image, b.valueChars), n.named ? CODE : undefined),
    ...text(n.pid !== undefined ? ` (PID ${n.pid})` : ''),
    ...(n.user !== undefined ? [...text(' · user '), ...text(fit(n.user, b.valueChars), CODE)] : []),
    ...text(n.integrity !== undefined ? ` · integrity ${fit(n.integrity, 40)}` : ''),
    ...text(n.started !== undefined ? ` · started ${n.started}` : ' · start not in the collected events'),
    ...(n.sha256 !== undefined && b.compact === 0 ? [...text(' · SHA256 '), ...text(fit(n.sha256, 128), CODE)] : []),
  ];
  const content: AdfListItem['content'] = [paragraph(facts)];
  if (n.commandLine !== undefined && n.commandLine !== '' && b.compact < 2)
    content.push(codeBlock(fit(n.commandLine, b.valueChars)));
  const actions = b.compact === 0 ? n.actions.slice(0, b.rows) : [];
  const nested = bulletList([
    ...actions.map((a) => listItem(paragraph(text('→ '), r(a, b)))),
    ...t.kids.map((k) => processItem(k, b)),
  ]);
  if (nested !== undefined) content.push(nested);
  return listItem(...content);
}

function omitted(n: number, what: string): AdfBlock | undefined {
  return n > 0 ? paragraph(text(`${n.toLocaleString('en-US')} more ${what} not shown.`)) : undefined;
}

function note(s: Statement | undefined, b: RenderBudget): AdfBlock | undefined {
  return s !== undefined ? paragraph(r(s.text, b)) : undefined;
}

function persistenceBlocks(report: IncidentReport, b: RenderBudget): AdfBlock[] {
  return report.technicalAnalysis.persistence.slice(0, b.rows).flatMap((p) => {
    const items = p.fields.map((fl) =>
      fl.block === true
        ? listItem(paragraph(strong(`${fl.label}:`)), codeBlock(fit(fl.value, b.valueChars)))
        : listItem(paragraph(strong(`${fl.label}: `), text(fit(fl.value, b.valueChars), CODE))),
    );
    return blocks(
      paragraph(strong(p.title), text(` — ${p.ref}, ${p.time}`)),
      bulletList(items),
      p.effect !== undefined ? paragraph(strong(`${BASIS_LABELS[p.effect.basis]}: `), r(p.effect.text, b)) : undefined,
    );
  });
}

function filesBlock(report: IncidentReport, b: RenderBudget): AdfBlock | undefined {
  const files = report.technicalAnalysis.files.slice(0, b.rows);
  if (b.compact >= 2) {
    return files.length > 0
      ? paragraph(
          text('Files: '),
          ...files.map((x, i) => [
            ...text(i > 0 ? ', ' : ''),
            ...text(fit(x.path, b.valueChars), CODE),
            ...text(` (${x.action})`),
          ]),
        )
      : undefined;
  }
  // The hash column only when a source recorded hashes (Sysmon's FileCreate does not).
  const hashes = b.compact === 0 && files.some((x) => x.sha256 !== undefined);
  return table(
    ['Time (UTC)', 'Action', 'File', 'Process', ...(hashes ? ['SHA256'] : []), ...(b.compact === 0 ? ['Source'] : [])],
    files.map((x) => [
      text(foldedTime(x)),
      text(x.action),
      text(fit(x.path, b.valueChars), CODE),
      text(fit(x.process ?? 'not recorded', b.valueChars)),
      ...(hashes ? [x.sha256 !== undefined ? text(x.sha256, CODE) : text('not recorded')] : []),
      ...(b.compact === 0 ? [text(x.ref)] : []),
    ]),
  );
}

function networkBlock(report: IncidentReport, b: RenderBudget): AdfBlock | undefined {
  const rows = report.technicalAnalysis.network.slice(0, b.rows);
  if (b.compact >= 2) {
    return rows.length > 0
      ? paragraph(
          text('Destinations: '),
          ...rows.map((x, i) => [...text(i > 0 ? ', ' : ''), ...text(fit(x.destination, b.valueChars), CODE)]),
        )
      : undefined;
  }
  return table(
    ['Time (UTC)', 'Process', 'Destination', 'Detail', ...(b.compact === 0 ? ['Source'] : [])],
    rows.map((x) => [
      text(foldedTime(x)),
      text(fit(x.process ?? 'not recorded', b.valueChars)),
      text(fit(x.destination, b.valueChars), CODE),
      text(fit(`${x.kind === 'dns' ? 'DNS query; ' : ''}${x.detail ?? ''}`, b.valueChars)),
      ...(b.compact === 0 ? [text(x.ref)] : []),
    ]),
  );
}

function technical(report: IncidentReport, b: RenderBudget): AdfBlock[] {
  const ta = report.technicalAnalysis;
  const tree = buildTree(ta.processTree.slice(0, b.rows), MAX_NESTING);
  const heuristics = bulletList(
    ta.heuristics
      .slice(0, b.rows)
      .map((h) =>
        listItem(
          paragraph(
            strong(fit(h.title, b.valueChars)),
            text(b.compact === 0 ? ` — ${fit(h.explanation, b.valueChars)}` : ''),
            ...(h.evidence.length > 0
              ? [
                  text(' Evidence: '),
                  ...h.evidence.map((e, i) => [...text(i > 0 ? ', ' : ''), ...text(fit(e, b.valueChars), CODE)]),
                ]
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
    persistenceBlocks(report, b),
    note(ta.notes.persistence, b),
    omitted(Math.max(0, ta.persistence.length - b.rows), 'persistence mechanisms'),
    heading(3, SUB_TITLES.files),
    filesBlock(report, b),
    note(ta.notes.files, b),
    omitted(ta.filesOmitted + Math.max(0, ta.files.length - b.rows), 'file events'),
    heading(3, SUB_TITLES.network),
    networkBlock(report, b),
    note(ta.notes.network, b),
    omitted(ta.networkOmitted + Math.max(0, ta.network.length - b.rows), 'network events'),
    heading(3, SUB_TITLES.heuristics),
    heuristics,
    note(ta.notes.heuristics, b),
  );
}

/** One numbered list per phase, numbering continued across them (orderedList `order`), containment first. */
function remediationBlocks(report: IncidentReport, b: RenderBudget): AdfBlock[] {
  const out: AdfBlock[] = [];
  let number = 1;
  for (const phase of PHASES) {
    const steps = report.remediation.filter((s) => s.phase === phase);
    const list = orderedList(
      steps.map((s) => listItem(paragraph(r(s.text, b)))),
      number,
    );
    if (list === undefined) continue;
    out.push(paragraph(strong(PHASE_LABELS[phase])), list);
    number += steps.length;
  }
  return out.length > 0 ? out : [paragraph(text('No action is recommended beyond reviewing the alerts.'))];
}

/** The records that fit: all of them, or the most severe ones (ties: earliest), shown in time order. */
function keptRecords(report: IncidentReport, n: number): IncidentReport['rawEvidence'] {
  const all = report.rawEvidence;
  if (n >= all.length) return all;
  const keep = new Set(
    all
      .map((e, i) => ({ e, i }))
      .sort((a, b) => b.e.severity - a.e.severity || a.i - b.i)
      .slice(0, n)
      .map((x) => x.i),
  );
  return all.filter((_e, i) => keep.has(i));
}

function rawBlocks(report: IncidentReport, b: RenderBudget): AdfBlock[] {
  const raw = keptRecords(report, b.rawRecords).map((e) => {
    const cut = Number.isFinite(b.rawChars) && e.text.length > b.rawChars;
    const label = e.truncated || cut ? ` (cut: ${e.chars.toLocaleString('en-US')} characters in the record)` : '';
    return expand(`${e.title}${label}`, [codeBlock(fit(e.text, b.rawChars))]);
  });
  const left = report.rawEvidenceOmitted + Math.max(0, report.rawEvidence.length - b.rawRecords);
  return blocks(
    raw,
    raw.length === 0 && left === 0 ? paragraph(text('No raw records were collected.')) : undefined,
    left > 0
      ? paragraph(
          text(
            b.rawRecords === 0
              ? `${left.toLocaleString('en-US')} raw records left out of this description to fit Jira's size limit.`
              : `${left.toLocaleString('en-US')} more raw records are not shown.`,
          ),
        )
      : undefined,
  );
}

function body(report: IncidentReport, b: RenderBudget, cuts: string[]): AdfBlock[] {
  const exec = paragraph(...report.executiveSummary.flatMap((s, i) => [text(i > 0 ? ' ' : ''), r(s.text, b)]));
  const timelineItems = report.timeline.slice(0, b.timeline).map((e) => {
    const folded = e.count > 1 ? ` (×${e.count}${e.lastTime !== undefined ? `, last ${e.lastTime}` : ''})` : '';
    return listItem(paragraph(strong(e.time), text(' — '), r(e.text, b), text(`${folded} [${e.ref}]`)));
  });
  const iocs = table(
    b.compact >= 2 ? ['Type', 'Indicator (defanged)'] : ['Type', 'Indicator (defanged)', 'Role'],
    report.iocs
      .slice(0, b.rows)
      .map((i) => [
        text(i.typeLabel),
        text(fit(i.value, b.valueChars), CODE),
        ...(b.compact >= 2 ? [] : [text(fit(i.role, b.valueChars))]),
      ]),
  );
  const attack = table(
    ['Technique', 'Name', 'Tactics', 'Evidence'],
    report.attack.map((a) => [
      text(a.id, CODE),
      text(a.name),
      text(a.tactics.length > 0 ? a.tactics.join(', ') : 'unknown'),
      // Compact: the event reference alone; the timeline carries the line.
      text(fit(b.compact === 0 ? a.evidence : a.evidence.split(': ')[0], b.valueChars)),
    ]),
  );

  const detections = table(
    b.compact >= 1
      ? ['Sigma rule', 'Level', 'Author', 'Matched']
      : ['Sigma rule', 'Level', 'Author', 'Matched', 'Known false positives'],
    report.detections
      .slice(0, b.rows)
      .map((d) => [
        text(fit(d.title, b.valueChars)),
        text(d.level),
        text(fit(d.author, b.valueChars)),
        text(detectionMatched(d)),
        ...(b.compact >= 1 ? [] : [text(fit(d.falsePositives ?? '—', b.valueChars))]),
      ]),
  );

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
    fieldTable(report.initialContext.map((row) => [row.label, r(row.value, b)])),
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
    report.attack.length === 0
      ? paragraph(text('No ATT&CK technique was named by the sources or recognised in the events.'))
      : undefined,
    ...(report.detections.length > 0
      ? [
          heading(2, SECTION_TITLES.detections),
          detections,
          omitted(report.detectionsOmitted + Math.max(0, report.detections.length - b.rows), 'matching rules'),
        ]
      : []),
    heading(2, SECTION_TITLES.rootCause),
    paragraph(strong('Hypothesis: '), text(`${report.rootCause.vector} — confidence ${report.rootCause.confidence}.`)),
    bulletList(report.rootCause.statements.map((s) => statementItem(s, b))),
    heading(2, SECTION_TITLES.businessImpact),
    bulletList(report.businessImpact.map((s) => statementItem(s, b))),
    heading(2, SECTION_TITLES.remediation),
    remediationBlocks(report, b),
    heading(2, SECTION_TITLES.rawEvidence),
    rawBlocks(report, b),
  );
}

/**
 * The last resort when even the smallest budget does not fit (a hostile incident with hundreds of persistence
 * entries, say): the executive summary, the hypothesis and the remediation with every value cut short.
 */
function minimal(report: IncidentReport, maxChars: number): AdfDoc {
  const b: RenderBudget = { rawRecords: 0, rawChars: 0, timeline: 0, rows: 10, valueChars: 60, compact: 2 };
  const notice = paragraph(
    strong('Note: '),
    text(
      "the full analysis did not fit Jira's description limit; this is its summary. The complete records stay with the incident's alerts.",
    ),
  );
  const short = doc(
    blocks(
      notice,
      heading(2, SECTION_TITLES.executiveSummary),
      paragraph(...report.executiveSummary.map((s) => r(s.text, b))),
      heading(2, SECTION_TITLES.rootCause),
      paragraph(
        strong('Hypothesis: '),
        text(`${report.rootCause.vector} — confidence ${report.rootCause.confidence}.`),
      ),
      heading(2, SECTION_TITLES.remediation),
      orderedList(report.remediation.slice(0, b.rows).map((s) => listItem(paragraph(r(s.text, b))))),
    ),
  );
  if (JSON.stringify(short).length <= maxChars) return short;
  return doc([notice]);
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
  const ta = report.technicalAnalysis;
  const counts = {
    raw: report.rawEvidence.length,
    rawLongest: Math.max(0, ...report.rawEvidence.map((e) => e.text.length)),
    timeline: report.timeline.length,
    rowsLargest: Math.max(
      ta.processTree.length,
      ta.files.length,
      ta.network.length,
      ta.heuristics.length,
      ta.persistence.length,
      report.iocs.length,
    ),
    valueLongest: longestValue(report),
  };
  for (const level of SHRINK_LEVELS) {
    const d = doc(body(report, level, truncationNotes(level, counts)));
    if (JSON.stringify(d).length <= maxChars) return d;
  }
  return minimal(report, maxChars);
}
