import type { IncidentReport, Rich, Statement } from '../model/report';
import { budgetCounts, DESCRIPTION_TARGET_CHARS, fit, SHRINK_LEVELS, truncationNotes } from './budget';
import type { RenderBudget } from './budget';
import {
  BASIS_LABELS,
  HEADER_LABELS,
  attackName,
  LOCAL_TIME_TITLE,
  MAX_QUERIES,
  MAX_VENDOR_FINDINGS,
  backgroundLine,
  rawEventsLine,
  PHASE_LABELS,
  SECTION_TITLES,
  buildTree,
  integrityVaries,
  closeQuotes,
  commandSaysMore,
  detectionMatched,
  persistenceFields,
  processFacts,
  timelineClock,
  shownPersistence,
  shownTimeline,
  suspicionLines,
  timelineRef,
  vendorFindingLine,
} from './layout';
import type { TreeNode } from './layout';
import { mdCellCode, mdCode, mdCodeBlock, mdTable, mdText } from './markdown-escape';

/**
 * The report as GitHub-flavoured Markdown, for the CLI and `out/` files: the Jira description's sections in the same
 * order and at the same budget levels, so the file reads like the ticket. Every value from the events goes through an
 * escaper, so the only markup in the output is the renderer's.
 */

const MAX_NESTING = 6;

function md(r: Rich, b: RenderBudget): string {
  return r.map((s) => (s.code === true ? mdCode(fit(s.text, b.valueChars)) : mdText(s.text))).join('');
}

function statement(s: Statement, b: RenderBudget): string {
  return `- **${BASIS_LABELS[s.basis]}:** ${md(s.text, b)}`;
}

function omitted(n: number, what: string): string[] {
  return n > 0 ? ['', `${n.toLocaleString('en-US')} more ${what} not shown.`] : [];
}

function processLines(
  t: TreeNode,
  parent: TreeNode | undefined,
  level: number,
  clock: (t: string) => string,
  integrity: boolean,
  b: RenderBudget,
): string[] {
  const n = t.node;
  const pad = '  '.repeat(level);
  const facts = processFacts(n, parent?.node, clock, integrity);
  const image = n.named ? mdCode(fit(n.image, b.valueChars)) : mdText(n.image);
  const lines = [`${pad}- ${image}${md(facts, b)}`];
  if (b.compact === 0 && commandSaysMore(n))
    lines.push('', mdCodeBlock(fit(n.commandLine ?? '', b.valueChars), `${pad}  `), '');
  for (const k of t.kids) lines.push(...processLines(k, t, level + 1, clock, integrity, b));
  return lines;
}

function attackChain(report: IncidentReport, b: RenderBudget): string[] {
  const ta = report.technicalAnalysis;
  const out: string[] = [];
  out.push(
    ...buildTree(ta.processTree.slice(0, b.rows), MAX_NESTING).flatMap((t) =>
      processLines(t, undefined, 0, timelineClock(report.timeline).show, integrityVaries(ta.processTree), b),
    ),
  );
  if (ta.notes.processTree !== undefined) out.push(md(ta.notes.processTree.text, b));
  out.push(...omitted(ta.processesOmitted + Math.max(0, ta.processTree.length - b.rows), 'processes'));
  for (const p of shownPersistence(report).slice(0, b.rows)) {
    // The title, its event and what it will do on one line; only fields no other line shows follow.
    const effect = p.effect !== undefined ? ` ${BASIS_LABELS[p.effect.basis]}: ${md(p.effect.text, b)}` : '';
    out.push('', `**Persistence: ${mdText(p.title)}** (${mdText(p.ref)}).${effect}`);
    const fields = persistenceFields(p, report.timeline);
    if (fields.length > 0) out.push('');
    for (const fl of fields) {
      const v = fit(fl.value, b.valueChars);
      if (fl.block === true) out.push(`- **${mdText(fl.label)}:**`, '', mdCodeBlock(v, '  '), '');
      else out.push(`- **${mdText(fl.label)}:** ${mdCode(v)}`);
    }
  }
  // Heuristics and look-alike names in one list: each reason once.
  const reasons = [
    ...(b.compact >= 2 ? [] : suspicionLines(report)).map(
      (line) => `- **${mdText(line.title)}**${line.evidence !== undefined ? `: ${mdCode(line.evidence)}` : ''}`,
    ),
    ...(report.lookAlikes ?? []).map((s) => `- ${md(s.text, b)}`),
  ];
  if (reasons.length > 0) out.push('', '**Why it is suspicious**', '', ...reasons.slice(0, b.rows));
  return out;
}

export interface MarkdownRenderOptions {
  /** Name of the raw-events file written beside the Markdown (`replay --out`): the line names it. */
  rawEventsFile?: string;
}

/**
 * Render a report as Markdown: the summary as the title, priority and labels, then the ticket's sections.
 *
 * @example
 * process.stdout.write(renderMarkdown(draftReport(incident)));
 */
export function renderMarkdown(report: IncidentReport, options: MarkdownRenderOptions = {}): string {
  // The same levels as the Jira description, measured on the Markdown itself: the file stays as short as the ticket.
  const counts = budgetCounts(report);
  let text = '';
  for (const level of SHRINK_LEVELS) {
    text = renderAt(report, options, level, level === SHRINK_LEVELS[0] ? [] : truncationNotes(level, counts));
    if (text.length <= DESCRIPTION_TARGET_CHARS) break;
  }
  return text;
}

/** The report at one budget; `cuts` says what a smaller budget left out. */
function renderAt(report: IncidentReport, options: MarkdownRenderOptions, b: RenderBudget, cuts: string[]): string {
  const clock = timelineClock(report.timeline);
  const vendor = report.vendorFindings ?? [];
  const out: string[] = [
    `# ${mdText(report.summary)}`,
    '',
    `**Labels:** ${report.labels.map(mdCode).join(', ')}`,
    '',
    ...(cuts.length > 0
      ? [`**Note:** ${mdText(`shortened to fit: ${cuts.join('; ')}. The attachment has every event.`)}`, '']
      : []),
    ...report.header.map((h) => `**${HEADER_LABELS[h.field]}:** ${md(h.value, b)}  `),
    '',
    `## ${SECTION_TITLES.executiveSummary}`,
    '',
    report.executiveSummary.map((s) => md(s.text, b)).join(' '),
    '',
    ...(vendor.length > 0
      ? [
          '**Vendor findings**',
          '',
          ...vendor.slice(0, MAX_VENDOR_FINDINGS).map((v) => `- ${md(vendorFindingLine(v), b)}`),
          ...omitted(vendor.length - MAX_VENDOR_FINDINGS, 'vendor findings'),
          '',
        ]
      : []),
    `## ${SECTION_TITLES.attackChain}`,
    '',
    ...attackChain(report, b),
    '',
    `## ${clock.day !== undefined ? `Timeline (UTC, ${clock.day})` : SECTION_TITLES.timeline}`,
    '',
  ];
  for (const e of shownTimeline(report.timeline, b.timeline))
    out.push(`- **${mdText(clock.time(e))}** — ${md(e.text, b)} ${mdText(timelineRef(e))}`);
  if (report.timeline.length === 0) out.push('No events in the analysed alerts.');
  out.push(...omitted(report.timelineOmitted + Math.max(0, report.timeline.length - b.timeline), 'timeline lines'));
  const local = report.localTimeEvents ?? [];
  if (local.length > 0) {
    out.push('', `**${LOCAL_TIME_TITLE}**`, '');
    for (const e of local.slice(0, b.timeline))
      out.push(
        `- **${mdText(e.lastTime !== undefined ? `${e.time}–${e.lastTime}` : e.time)}** — ${md(e.text, b)} ${mdText(timelineRef(e))}`,
      );
    out.push(...omitted(local.length - b.timeline, 'local-time lines'));
  }
  const background = backgroundLine(report.backgroundEvents ?? 0);
  if (background !== undefined) out.push('', mdText(background));
  out.push('', `## ${SECTION_TITLES.iocs}`, '');
  if (report.iocs.length > 0) {
    out.push(
      mdTable(
        b.compact >= 1 ? ['Type', 'Indicator (defanged)'] : ['Type', 'Indicator (defanged)', 'Role'],
        report.iocs
          .slice(0, b.rows)
          .map((i) => [
            mdText(i.typeLabel),
            mdCellCode(fit(i.value, b.valueChars)),
            ...(b.compact >= 1 ? [] : [mdText(closeQuotes(fit(i.role, b.valueChars)))]),
          ]),
      ),
    );
  } else out.push('No indicators were extracted from the collected events.');
  out.push(
    ...omitted(report.iocsOmitted + Math.max(0, report.iocs.length - b.rows), 'indicators'),
    '',
    `## ${SECTION_TITLES.attack}`,
    '',
  );
  if (report.attack.length > 0) {
    out.push(
      mdTable(
        ['Technique', 'Name', 'Tactic'],
        report.attack
          .slice(0, b.rows)
          .map((a) => [mdCellCode(a.id), mdText(attackName(a)), mdText(a.tactics[0] ?? 'unknown')]),
      ),
    );
  } else out.push('No ATT&CK technique was named by the sources or recognised in the events.');
  out.push(
    ...omitted(Math.max(0, report.attack.length - b.rows), 'techniques'),
    '',
    `## ${SECTION_TITLES.rootCause}`,
    '',
    `**Hypothesis:** ${mdText(report.rootCause.vector)} — confidence ${report.rootCause.confidence}${report.rootCause.because !== undefined ? `, because ${md(report.rootCause.because, b)}` : ''}.`,
    '',
    ...report.rootCause.statements.slice(0, b.compact >= 2 ? b.rows : undefined).map((st) => statement(st, b)),
  );
  const factors = report.contributingFactors ?? [];
  if (factors.length > 0) out.push('', '**Contributing factors**', '', ...factors.map((st) => statement(st, b)));
  out.push(
    '',
    `## ${SECTION_TITLES.businessImpact}`,
    '',
    ...report.businessImpact.slice(0, b.compact >= 2 ? b.rows : undefined).map((st) => statement(st, b)),
    '',
    `## ${SECTION_TITLES.remediation}`,
    '',
    ...report.remediation.map((s, i) => `${i + 1}. **${PHASE_LABELS[s.phase]}:** ${md(s.text, b)}`),
  );
  if (report.remediation.length === 0) out.push('No action is recommended beyond reviewing the alerts.');
  const queries = report.nextQueries ?? [];
  if (queries.length > 0) {
    out.push('', `## ${SECTION_TITLES.nextQueries}`, '');
    for (const q of queries.slice(0, MAX_QUERIES))
      out.push(
        `- ${mdText(q.question)} (${mdText(q.source)})`,
        '',
        mdCodeBlock(fit(q.query, b.valueChars * 2), '  '),
        '',
      );
  }
  const followUps = report.detectionFollowUps ?? [];
  if (report.detections.length > 0 || followUps.length > 0) out.push('', `## ${SECTION_TITLES.detections}`, '');
  if (report.detections.length > 0) {
    out.push(
      mdTable(
        b.compact >= 1
          ? ['Sigma rule', 'Level', 'Author', 'Matched']
          : ['Sigma rule', 'Level', 'Author', 'Matched', 'Known false positives'],
        report.detections
          .slice(0, b.rows)
          .map((d) => [
            mdText(d.title),
            mdText(d.level),
            mdText(d.author),
            mdText(detectionMatched(d)),
            ...(b.compact >= 1 ? [] : [mdText(fit(d.falsePositives ?? '—', b.valueChars))]),
          ]),
      ),
      ...omitted(report.detectionsOmitted + Math.max(0, report.detections.length - b.rows), 'matching rules'),
    );
  }
  if (followUps.length > 0)
    out.push(
      ...(report.detections.length > 0 ? ['', '**Detections to add**', ''] : []),
      ...followUps.slice(0, b.rows).map((x) => `- ${md(x, b)}`),
    );
  const raw = report.rawEvidence.length + report.rawEvidenceOmitted;
  if (raw > 0) out.push('', md(rawEventsLine(raw, options.rawEventsFile), b));
  return `${out.join('\n').trimEnd()}\n`;
}
