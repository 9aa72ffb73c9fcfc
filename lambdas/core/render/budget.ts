/**
 * How much of a report a rendering may show. Jira refuses a description over 32,767 characters, so the ADF
 * renderer walks down these levels until the JSON fits: the raw evidence appendix shrinks first (shorter, then
 * fewer records), then the timeline, then table rows and long values, and last the detail that repeats what
 * another section already shows (`compact`).
 */
export interface RenderBudget {
  rawRecords: number;
  rawChars: number;
  timeline: number;
  /** Rows of each table and list (processes, files, network, IOCs, heuristics). */
  rows: number;
  /** Characters of any one value (inline span, cell, code block). */
  valueChars: number;
  /**
   * 0: everything. 1: heuristics without explanations, ATT&CK evidence as the event reference, process tree without
   * its actions (the timeline has them), tables without hash and source columns. 2: also no command lines in the
   * tree, indicators without roles, files and destinations as one line each.
   */
  compact: 0 | 1 | 2;
}

const ALL = Number.POSITIVE_INFINITY;

export const FULL_BUDGET: RenderBudget = {
  rawRecords: ALL,
  rawChars: ALL,
  timeline: ALL,
  rows: ALL,
  valueChars: ALL,
  compact: 0,
};

const NO_RAW = { ...FULL_BUDGET, rawRecords: 0, rawChars: 0 };

/** Successive levels, each smaller than the one before. */
export const SHRINK_LEVELS: readonly RenderBudget[] = [
  FULL_BUDGET,
  { ...FULL_BUDGET, rawChars: 4000 },
  { ...FULL_BUDGET, rawChars: 2000 },
  { ...FULL_BUDGET, rawChars: 1000, rawRecords: 10 },
  { ...FULL_BUDGET, rawChars: 500, rawRecords: 5 },
  { ...FULL_BUDGET, rawChars: 300, rawRecords: 3 },
  NO_RAW,
  { ...NO_RAW, timeline: 100 },
  { ...NO_RAW, timeline: 50 },
  { ...NO_RAW, timeline: 25, rows: 30, valueChars: 1000 },
  { ...NO_RAW, timeline: 20, rows: 20, valueChars: 400, compact: 1 },
  { ...NO_RAW, timeline: 10, rows: 10, valueChars: 200, compact: 1 },
  { ...NO_RAW, timeline: 5, rows: 5, valueChars: 120, compact: 2 },
];

/**
 * Cut a value to the budget (no-op at full budget). The mark is a bare ellipsis: the truncation note at the top
 * says what was cut, and a longer mark would make short values longer, not shorter.
 */
export function fit(value: string, max: number): string {
  if (!Number.isFinite(max) || value.length <= max) return value;
  let end = Math.max(0, max - 1);
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${value.slice(0, end)}…`;
}

/** What a budget cut from a report, as sentences for the truncation note. */
export function truncationNotes(
  b: RenderBudget,
  counts: { raw: number; rawLongest: number; timeline: number; rowsLargest: number; valueLongest: number },
): string[] {
  const notes: string[] = [];
  if (counts.raw > 0 && b.rawRecords < counts.raw) {
    notes.push(
      b.rawRecords === 0
        ? 'the raw evidence appendix was left out'
        : `raw evidence shows the ${b.rawRecords} most severe of ${counts.raw} records`,
    );
  }
  if (b.rawRecords > 0 && counts.rawLongest > b.rawChars)
    notes.push(`raw records were cut to ${b.rawChars.toLocaleString('en-US')} characters each`);
  if (counts.timeline > b.timeline)
    notes.push(`the timeline shows the first ${b.timeline} of ${counts.timeline} entries`);
  if (counts.rowsLargest > b.rows) notes.push(`tables and lists show at most ${b.rows} rows`);
  if (counts.valueLongest > b.valueChars)
    notes.push(`long values were cut to ${b.valueChars.toLocaleString('en-US')} characters`);
  if (b.compact >= 1)
    notes.push(
      'details repeated elsewhere (heuristic explanations, process actions, event references in tables) were left out',
    );
  if (b.compact >= 2) notes.push('command lines, indicator roles and the file and network tables were condensed');
  return notes;
}
