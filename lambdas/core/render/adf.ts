import type { IncidentReport, Rich, Statement } from '../model/report';
import type { AdfBlock, AdfDoc, AdfInline, AdfListItem } from './adf-nodes';
import {
  blocks,
  bulletList,
  codeBlock,
  doc,
  heading,
  inline,
  listItem,
  orderedList,
  paragraph,
  strong,
  table,
  text,
} from './adf-nodes';
import { descriptionText } from './adf-text';
import type { RenderBudget } from './budget';
import { budgetCounts, DESCRIPTION_TARGET_CHARS, fit, SHRINK_LEVELS, truncationNotes } from './budget';
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
  PHASES,
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

type Clock = (t: string) => string;

/**
 * Jira description in ADF, in the order an analyst triages: five header lines, the executive summary, the attack
 * chain, the timeline, indicators, ATT&CK, root cause, impact, remediation, next queries and the detections. Alert
 * text only ever lands in text nodes (code-marked for literal values) and code blocks; headings, labels and
 * structure are the renderer's own, and nothing becomes a link. The raw events are the ticket's attachment, not part
 * of the description; a description over Jira's limit or the length target is rendered again with a smaller budget,
 * saying at the top what was cut.
 */

export interface AdfRenderOptions {
  /** Limit on the JSON-serialised document, Jira's description limit by default. */
  maxChars?: number;
  /** Visible characters to stay under (see `descriptionText`), {@link DESCRIPTION_TARGET_CHARS} by default. */
  targetChars?: number;
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

function omitted(n: number, what: string): AdfBlock | undefined {
  return n > 0 ? paragraph(text(`${n.toLocaleString('en-US')} more ${what} not shown.`)) : undefined;
}

function processItem(
  t: TreeNode,
  parent: TreeNode | undefined,
  b: RenderBudget,
  clock: Clock,
  integrity: boolean,
): AdfListItem {
  const n = t.node;
  const facts = processFacts(n, parent?.node, clock, integrity);
  // The image's hash is an indicator: the IOC table lists it, named for this file, once.
  const content: AdfListItem['content'] = [
    paragraph(text(fit(n.image, b.valueChars), n.named ? CODE : undefined), r(facts, b)),
  ];
  if (b.compact === 0 && commandSaysMore(n)) content.push(codeBlock(fit(n.commandLine ?? '', b.valueChars)));
  const nested = bulletList(t.kids.map((k) => processItem(k, t, b, clock, integrity)));
  if (nested !== undefined) content.push(nested);
  return listItem(...content);
}

function attackChain(report: IncidentReport, b: RenderBudget): AdfBlock[] {
  const ta = report.technicalAnalysis;
  const tree = buildTree(ta.processTree.slice(0, b.rows), MAX_NESTING);
  const shown = shownPersistence(report);
  const persistence = shown.slice(0, b.rows).flatMap((p) => {
    const fields = persistenceFields(p, report.timeline);
    // The title, its event and what it will do on one line; only fields no other line shows follow.
    return blocks(
      paragraph(
        strong(`Persistence: ${p.title}`),
        text(` (${p.ref}).`),
        ...(p.effect !== undefined ? [text(` ${BASIS_LABELS[p.effect.basis]}: `), r(p.effect.text, b)] : []),
      ),
      bulletList(
        fields.map((fl) =>
          fl.block === true
            ? listItem(paragraph(strong(`${fl.label}:`)), codeBlock(fit(fl.value, b.valueChars)))
            : listItem(paragraph(strong(`${fl.label}: `), text(fit(fl.value, b.valueChars), CODE))),
        ),
      ),
    );
  });
  // One line per heuristic (its title says why; short evidence shows where), then the look-alike names: each
  // reason once.
  const reasons = [
    ...(b.compact >= 2 ? [] : suspicionLines(report)).map((line) =>
      listItem(
        paragraph(
          strong(fit(line.title, b.valueChars)),
          ...(line.evidence !== undefined ? [text(': '), text(line.evidence, CODE)] : []),
        ),
      ),
    ),
    ...(report.lookAlikes ?? []).map((s) => listItem(paragraph(r(s.text, b)))),
  ];
  const heuristics = bulletList(reasons.slice(0, b.rows));
  return blocks(
    bulletList(
      tree.map((t) =>
        processItem(t, undefined, b, timelineClock(report.timeline).show, integrityVaries(ta.processTree)),
      ),
    ),
    ta.notes.processTree !== undefined ? paragraph(r(ta.notes.processTree.text, b)) : undefined,
    omitted(ta.processesOmitted + Math.max(0, ta.processTree.length - b.rows), 'processes (the timeline has them)'),
    persistence,
    omitted(Math.max(0, shown.length - b.rows), 'persistence mechanisms'),
    heuristics !== undefined ? [paragraph(strong('Why it is suspicious')), heuristics] : [],
  );
}

function timelineBlocks(report: IncidentReport, b: RenderBudget): AdfBlock[] {
  const clock = timelineClock(report.timeline);
  const items = shownTimeline(report.timeline, b.timeline).map((e) =>
    listItem(paragraph(strong(clock.time(e)), text(' — '), r(e.text, b), text(` ${timelineRef(e)}`))),
  );
  // Local clock readings with no known offset: apart, in their source's clock, never mixed into the UTC lines.
  const local = report.localTimeEvents ?? [];
  const localItems = local
    .slice(0, b.timeline)
    .map((e) =>
      listItem(
        paragraph(
          strong(e.lastTime !== undefined ? `${e.time}–${e.lastTime}` : e.time),
          text(' — '),
          r(e.text, b),
          text(` ${timelineRef(e)}`),
        ),
      ),
    );
  const background = backgroundLine(report.backgroundEvents ?? 0);
  return blocks(
    heading(2, clock.day !== undefined ? `Timeline (UTC, ${clock.day})` : SECTION_TITLES.timeline),
    bulletList(items),
    items.length === 0 ? paragraph(text('No events in the analysed alerts.')) : undefined,
    omitted(
      report.timelineOmitted + Math.max(0, report.timeline.length - b.timeline),
      'timeline lines (every event is in the attachment)',
    ),
    localItems.length > 0 ? [paragraph(strong(LOCAL_TIME_TITLE)), bulletList(localItems)] : [],
    omitted(local.length - localItems.length, 'local-time lines'),
    background !== undefined ? paragraph(text(background)) : undefined,
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

function body(report: IncidentReport, b: RenderBudget, cuts: string[]): AdfBlock[] {
  const header = report.header.map((h) => paragraph(strong(`${HEADER_LABELS[h.field]}: `), r(h.value, b)));
  const iocs = table(
    b.compact >= 1 ? ['Type', 'Indicator (defanged)'] : ['Type', 'Indicator (defanged)', 'Role'],
    report.iocs
      .slice(0, b.rows)
      .map((i) => [
        text(i.typeLabel),
        text(fit(i.value, b.valueChars), CODE),
        ...(b.compact >= 1 ? [] : [text(closeQuotes(fit(i.role, b.valueChars)))]),
      ]),
  );
  const attack =
    b.compact >= 2
      ? paragraph(...report.attack.map((a, i) => [...text(i > 0 ? ', ' : ''), ...text(a.id, CODE)]))
      : table(
          ['Technique', 'Name', 'Tactic'],
          report.attack
            .slice(0, b.rows)
            .map((a) => [text(a.id, CODE), text(fit(attackName(a), b.valueChars)), text(a.tactics[0] ?? 'unknown')]),
        );
  const detections = table(
    b.compact >= 1
      ? ['Sigma rule', 'Level', 'Author', 'Matched']
      : ['Sigma rule', 'Level', 'Author', 'Matched', 'Known false positives'],
    report.detections.slice(0, b.rows).map((d) => [
      text(fit(d.title, b.valueChars)),
      text(d.level),
      // The Detection Rule License asks that a match name the rule's author: never cut to nothing.
      text(fit(d.author, Math.max(60, b.valueChars))),
      text(detectionMatched(d)),
      ...(b.compact >= 1 ? [] : [text(fit(d.falsePositives ?? '—', b.valueChars))]),
    ]),
  );
  const statements = (xs: Statement[]): Statement[] => (b.compact >= 2 ? xs.slice(0, b.rows) : xs);
  const factors = report.contributingFactors ?? [];
  const followUps = report.detectionFollowUps ?? [];
  const queries = report.nextQueries ?? [];
  const raw = report.rawEvidence.length + report.rawEvidenceOmitted;
  const vendor = report.vendorFindings ?? [];

  return blocks(
    cuts.length > 0
      ? paragraph(strong('Note: '), text(`shortened to fit: ${cuts.join('; ')}. The attachment has every event.`))
      : undefined,
    header,
    heading(2, SECTION_TITLES.executiveSummary),
    paragraph(...report.executiveSummary.flatMap((s, i) => [text(i > 0 ? ' ' : ''), r(s.text, b)])),
    vendor.length > 0
      ? [
          paragraph(strong('Vendor findings')),
          bulletList(vendor.slice(0, MAX_VENDOR_FINDINGS).map((v) => listItem(paragraph(r(vendorFindingLine(v), b))))),
        ]
      : [],
    omitted(vendor.length - MAX_VENDOR_FINDINGS, 'vendor findings'),
    heading(2, SECTION_TITLES.attackChain),
    attackChain(report, b),
    timelineBlocks(report, b),
    heading(2, SECTION_TITLES.iocs),
    iocs,
    report.iocs.length === 0 ? paragraph(text('No indicators were extracted from the collected events.')) : undefined,
    omitted(report.iocsOmitted + Math.max(0, report.iocs.length - b.rows), 'indicators'),
    heading(2, SECTION_TITLES.attack),
    report.attack.length > 0
      ? attack
      : paragraph(text('No ATT&CK technique was named by the sources or recognised in the events.')),
    omitted(b.compact >= 2 ? 0 : Math.max(0, report.attack.length - b.rows), 'techniques'),
    heading(2, SECTION_TITLES.rootCause),
    paragraph(
      strong('Hypothesis: '),
      text(`${report.rootCause.vector} — confidence ${report.rootCause.confidence}`),
      ...(report.rootCause.because !== undefined ? [text(', because '), r(report.rootCause.because, b)] : []),
      text('.'),
    ),
    bulletList(statements(report.rootCause.statements).map((s) => statementItem(s, b))),
    factors.length > 0
      ? [paragraph(strong('Contributing factors')), bulletList(factors.map((s) => statementItem(s, b)))]
      : [],
    heading(2, SECTION_TITLES.businessImpact),
    bulletList(statements(report.businessImpact).map((s) => statementItem(s, b))),
    heading(2, SECTION_TITLES.remediation),
    remediationBlocks(report, b),
    queries.length > 0
      ? [
          heading(2, SECTION_TITLES.nextQueries),
          bulletList(
            queries
              .slice(0, Math.min(b.rows, MAX_QUERIES))
              .map((q) =>
                listItem(
                  paragraph(text(fit(q.question, b.valueChars)), text(` (${fit(q.source, 60)})`)),
                  codeBlock(fit(q.query, b.valueChars * 2)),
                ),
              ),
          ),
        ]
      : [],
    report.detections.length > 0 || followUps.length > 0 ? heading(2, SECTION_TITLES.detections) : undefined,
    detections,
    omitted(report.detectionsOmitted + Math.max(0, report.detections.length - b.rows), 'matching rules'),
    followUps.length > 0
      ? [
          // Its own heading only under a table of rules that matched; else the section is these lines.
          ...(report.detections.length > 0 ? [paragraph(strong('Detections to add'))] : []),
          bulletList(followUps.slice(0, b.rows).map((x) => listItem(paragraph(r(x, b))))),
        ]
      : [],
    raw > 0 ? paragraph(r(rawEventsLine(raw), b)) : undefined,
  );
}

/**
 * The last resort when even the smallest budget does not fit (a hostile incident with hundreds of persistence
 * entries, say): the header, the hypothesis and the remediation with every value cut short.
 */
function minimal(report: IncidentReport, maxChars: number): AdfDoc {
  const b: RenderBudget = { timeline: 0, rows: 10, valueChars: 60, compact: 2 };
  const notice = paragraph(
    strong('Note: '),
    text(
      "the full analysis did not fit Jira's description limit; this is its summary. The attachment has every event.",
    ),
  );
  const short = doc(
    blocks(
      notice,
      report.header.map((h) => paragraph(strong(`${HEADER_LABELS[h.field]}: `), r(h.value, b))),
      heading(2, SECTION_TITLES.rootCause),
      paragraph(
        strong('Hypothesis: '),
        text(`${fit(report.rootCause.vector, 200)} — confidence ${report.rootCause.confidence}.`),
      ),
      heading(2, SECTION_TITLES.remediation),
      orderedList(report.remediation.slice(0, b.rows).map((s) => listItem(paragraph(r(s.text, b))))),
    ),
  );
  if (JSON.stringify(short).length <= maxChars) return short;
  return doc([notice]);
}

/**
 * Render a report as an ADF document whose JSON stays within `maxChars` (Jira's 32,767 by default) and whose
 * visible text stays within `targetChars` when a smaller budget can get it there.
 *
 * @example
 * const adf = renderAdf(draftReport(incident));
 * validateAdf(adf).valid; // true
 */
export function renderAdf(report: IncidentReport, options: AdfRenderOptions = {}): AdfDoc {
  const maxChars = options.maxChars ?? JIRA_MAX_CHARS;
  const target = options.targetChars ?? DESCRIPTION_TARGET_CHARS;
  const counts = budgetCounts(report);
  let fallback: AdfDoc | undefined;
  for (const level of SHRINK_LEVELS) {
    const d = doc(body(report, level, level === SHRINK_LEVELS[0] ? [] : truncationNotes(level, counts)));
    if (JSON.stringify(d).length > maxChars) continue;
    if (descriptionText(d).length <= target) return d;
    // Within Jira's limit but long: the smallest such is the answer when no level gets under the target.
    fallback = d;
  }
  return fallback ?? minimal(report, maxChars);
}
