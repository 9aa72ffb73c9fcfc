/**
 * Caps applied while drafting, so one hostile or stormy incident cannot make a report of unbounded size. The
 * renderers shrink further to fit Jira's description limit; these keep the model itself reasonable.
 */
export interface DraftLimits {
  /** Characters kept of a command line. */
  commandLineChars: number;
  /** Characters kept of other values (paths, value data, task actions). */
  valueChars: number;
  /** Characters kept of each raw record. */
  rawChars: number;
  /** Raw records kept. */
  rawRecords: number;
  timelineEntries: number;
  processes: number;
  files: number;
  network: number;
  iocs: number;
}

export const DEFAULT_LIMITS: DraftLimits = {
  commandLineChars: 4000,
  valueChars: 2000,
  rawChars: 8000,
  rawRecords: 20,
  timelineEntries: 200,
  processes: 100,
  files: 50,
  network: 50,
  iocs: 100,
};
