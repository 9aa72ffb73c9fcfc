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

/**
 * The size the attachment is cut to by default. Jira Cloud's per-file limit is a site setting (1 GB by default,
 * often lowered; Jira Data Center's default is 10 MB): 10 MB fits every site's usual setting and keeps the
 * ticket-sync Lambda's memory small. An incident's alerts are capped at ingest (64 KB each), so only a storm
 * reaches it.
 */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
