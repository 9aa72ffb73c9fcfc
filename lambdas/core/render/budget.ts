import type { IncidentReport } from '../model/report';

/**
 * How much of a report a rendering may show. The ticket is read in a minute, so even the full budget is a short
 * one: the strongest rows of each table, values cut where a line would wrap three times, and a timeline of counted
 * lines (the raw events, whole, are the ticket's attachment). When a description still does not fit, the ADF
 * renderer walks down these levels: fewer timeline lines, fewer rows, shorter values, and last the detail that
 * repeats what another section already shows (`compact`).
 */
export interface RenderBudget {
  /** Timeline lines shown. */
  timeline: number;
  /** Rows of each table and list (processes, indicators, heuristics, techniques, rules). */
  rows: number;
  /** Characters of any one value (inline span, cell, code block). */
  valueChars: number;
  /**
   * 0: everything. 1: no command lines in the attack chain, indicators without roles, no rule false positives.
   * 2: also no heuristics, ATT&CK as a line of ids, and root-cause and impact statements capped to the budget's rows.
   */
  compact: 0 | 1 | 2;
}

/** What the ticket shows of an ordinary incident: nothing of it is cut. */
export const FULL_BUDGET: RenderBudget = { timeline: 30, rows: 12, valueChars: 300, compact: 0 };

/**
 * Visible characters a description should stay under (issue 16: ≤ 5,000 typical, ≤ 8,000 for any): the renderer
 * shrinks a description above it like one above Jira's limit.
 */
export const DESCRIPTION_TARGET_CHARS = 8000;

/** Successive levels, each smaller than the one before. */
export const SHRINK_LEVELS: readonly RenderBudget[] = [
  FULL_BUDGET,
  { timeline: 20, rows: 10, valueChars: 200, compact: 0 },
  { timeline: 15, rows: 8, valueChars: 160, compact: 1 },
  { timeline: 10, rows: 6, valueChars: 120, compact: 1 },
  { timeline: 6, rows: 4, valueChars: 80, compact: 2 },
];

/**
 * Cut a value to the budget (no-op for an infinite one). The mark is a bare ellipsis: the note at the top says what
 * was cut, and a longer mark would make short values longer, not shorter.
 */
export function fit(value: string, max: number): string {
  if (!Number.isFinite(max) || value.length <= max) return value;
  let end = Math.max(0, max - 1);
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${value.slice(0, end)}…`;
}

/** What a budget below the full one cut from a report, as phrases for the note at the top. */
export function truncationNotes(
  b: RenderBudget,
  counts: { timeline: number; rowsLargest: number; valueLongest: number },
): string[] {
  const notes: string[] = [];
  if (counts.timeline > b.timeline && b.timeline < FULL_BUDGET.timeline)
    notes.push(`the timeline shows its first ${b.timeline} of ${counts.timeline} lines`);
  if (counts.rowsLargest > b.rows && b.rows < FULL_BUDGET.rows) notes.push(`tables show at most ${b.rows} rows`);
  if (counts.valueLongest > b.valueChars && b.valueChars < FULL_BUDGET.valueChars)
    notes.push(`values were cut to ${b.valueChars} characters`);
  if (b.compact >= 1) notes.push('command lines, indicator roles and false-positive notes were left out');
  if (b.compact >= 2) notes.push('heuristics and most statements were left out');
  return notes;
}

/** What a report holds that a budget may cut: its timeline, its largest table and its longest value. */
export function budgetCounts(report: IncidentReport): { timeline: number; rowsLargest: number; valueLongest: number } {
  const ta = report.technicalAnalysis;
  return {
    timeline: report.timeline.length,
    rowsLargest: Math.max(
      ta.processTree.length,
      ta.heuristics.length,
      ta.persistence.length,
      report.iocs.length,
      report.attack.length,
      report.detections.length,
    ),
    valueLongest: longestValue(report),
  };
}

/** Length of the longest string in the report's rendered parts: whether value cuts will show. */
function longestValue(report: IncidentReport): number {
  let max = 0;
  const walk = (v: unknown): void => {
    if (typeof v === 'string') max = Math.max(max, v.length);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk({ ...report, rawEvidence: [] });
  return max;
}
