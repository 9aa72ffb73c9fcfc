import { DEFAULT_MAX_RAW_BYTES, normalizeRecord } from '../../lambdas/core/formats';
import { isRejection } from '../../lambdas/core/model/rejection';
import type { Rejection } from '../../lambdas/core/model/rejection';
import { Detector, LEVELS, PackError, detectRecord, loadBuiltinPack } from '../../lambdas/core/detect';
import { loadRulesDir } from '../../lambdas/core/detect/user-rules';
import type { DetectionMatch, RulePack, RuleSelection, SigmaLevel } from '../../lambdas/core/detect';
import { CliError, EXIT } from '../errors';
import { decodeSegment, faultRejection, streamInputs } from '../stream/records';

export interface DetectCommandOptions {
  /** User rule folders (`--rules DIR`, repeatable). */
  rules?: string[];
  json?: boolean;
  /** Rule ids not to run (`--disable ID`, repeatable). */
  disable?: string[];
  minLevel?: string;
  experimental?: boolean;
  threatHunting?: boolean;
}

export interface DetectSummary {
  files: number;
  events: number;
  withMatches: number;
  rejected: number;
  rules: number;
}

/** The match as `a2t detect --json` prints it. The author always travels with it (DRL 1.1). */
function shown(m: DetectionMatch): { id: string; title: string; level: string; tags: string[]; author?: string } {
  return { id: m.id, title: m.title, level: m.level, tags: m.tags, author: m.author };
}

function rejectionLine(r: Rejection): string {
  return `${JSON.stringify({ rejected: true, source: r.source, position: r.position, reason: r.reason })}\n`;
}

/** The rule selection from the options; a bad level is a usage error. */
export function selectionOf(opts: DetectCommandOptions): RuleSelection {
  let minLevel: SigmaLevel | undefined;
  if (opts.minLevel !== undefined) {
    if (!(LEVELS as readonly string[]).includes(opts.minLevel))
      throw new CliError(`--min-level must be one of ${LEVELS.join(', ')}`, EXIT.usage);
    minLevel = opts.minLevel as SigmaLevel;
  }
  return {
    disabledRuleIds: opts.disable ?? [],
    minLevel,
    includeExperimental: opts.experimental === true,
    includeThreatHunting: opts.threatHunting === true,
  };
}

/**
 * The builtin pack plus the user's folders. Any invalid or unsupported user rule is one line on `err` and a usage
 * error (exit 2): a rule the SOC wrote must never be dropped quietly.
 */
export function loadPacks(opts: DetectCommandOptions, err: NodeJS.WritableStream): RulePack[] {
  const selection = selectionOf(opts);
  let builtin: RulePack;
  try {
    builtin = loadBuiltinPack(selection);
  } catch (e) {
    if (e instanceof PackError) throw new CliError(e.message, EXIT.failed);
    throw e;
  }
  const packs = [builtin];
  let bad = 0;
  for (const dir of opts.rules ?? []) {
    const { pack, errors } = loadRulesDir(dir);
    for (const e of errors) err.write(`a2t: ${e}\n`);
    bad += errors.length;
    packs.push(pack);
  }
  if (bad > 0) throw new CliError(`${bad} problem(s) in the user rules`, EXIT.usage);
  return packs;
}

/**
 * `a2t detect`: every event of the inputs against the Sigma rules. With `--json`, one JSON line per event
 * (`{"file","record","alertId","matches":[…]}`, `record` being the record's index in its file, from 0); otherwise
 * one line per rule that matched: `file:record  alertId  level  title (author)`. Rejections are JSON lines on stderr,
 * as `a2t normalize` prints them, and a one-line summary ends stderr.
 */
export async function detectCommand(
  inputs: string[],
  opts: DetectCommandOptions = {},
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<DetectSummary> {
  const packs = loadPacks(opts, err);
  const detector = new Detector(packs, selectionOf(opts));
  const streamed = streamInputs(inputs);
  const summary: DetectSummary = {
    files: streamed.refs.length,
    events: 0,
    withMatches: 0,
    rejected: 0,
    rules: detector.summary.rules,
  };
  const receivedTime = new Date().toISOString();
  for (const ref of streamed.refs) {
    // Inputs stream in pieces (1 MiB per record, any file size). stderr keeps the order it had when a file was read
    // whole: the file's decode rejections first, then those of normalize, held until the file ends when it came in
    // several pieces (a small file is one piece, its own bytes: nothing to hold).
    const later: Rejection[] = [];
    let index = 0;
    for await (const piece of streamed.pieces(ref)) {
      const decoded =
        piece.kind === 'fault'
          ? { records: [], rejections: [faultRejection(piece, ref.source)] }
          : decodeSegment(piece, ref.source);
      for (const r of decoded.rejections) err.write(rejectionLine(r));
      summary.rejected += decoded.rejections.length;
      const whole = piece.kind === 'segment' && piece.place.kind === 'whole';
      for (const record of decoded.records) {
        const at = index++;
        const result = normalizeRecord(record, {
          source: ref.source,
          receivedTime,
          maxRawBytes: DEFAULT_MAX_RAW_BYTES,
        });
        if (isRejection(result)) {
          if (whole) err.write(rejectionLine(result));
          else later.push(result);
          summary.rejected++;
          continue;
        }
        const matches = detectRecord(detector, record, result);
        summary.events++;
        if (matches.length > 0) summary.withMatches++;
        if (opts.json === true) {
          out.write(
            `${JSON.stringify({ file: ref.source, record: at, alertId: result.alertId, matches: matches.map(shown) })}\n`,
          );
          continue;
        }
        for (const m of matches)
          out.write(
            `${ref.source}:${at}  ${result.alertId}  ${m.level}  ${m.title} (${m.author ?? 'unknown author'})\n`,
          );
      }
    }
    for (const r of later) err.write(rejectionLine(r));
  }
  err.write(
    `a2t detect: ${summary.files} file(s), ${summary.events} event(s), ${summary.withMatches} with matches, ` +
      `${summary.rejected} rejection(s); ${summary.rules} rule(s) run\n`,
  );
  return summary;
}
