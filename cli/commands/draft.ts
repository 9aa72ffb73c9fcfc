import { draftReport } from '../../lambdas/core/draft';
import { renderAdf, renderMarkdown } from '../../lambdas/core/render';
import { readContextFiles } from '../context-files';
import { CliError } from '../errors';
import { DEFAULT_HANDOFF } from '../../lambdas/core/correlate/incident-meta';
import { runUnitsInMemory } from '../memory-pipeline';
import { normalizeStreamed, streamInputs } from '../stream/records';
import { cliDetectStage } from '../detect-stage';

export type DraftFormat = 'md' | 'json' | 'adf';

/**
 * `a2t draft`: the pipeline in memory, one incident report per incident. JSON is an array (the fields the CLI
 * contract names); Markdown reports are separated by a rule; ADF is an array of documents.
 */
export async function draftCommand(
  inputs: string[],
  opts: { format: string; context: string[]; all?: boolean; rules?: string[] },
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<void> {
  if (!['md', 'json', 'adf'].includes(opts.format))
    throw new CliError(`--format must be md, json or adf (got ${opts.format})`, 2);
  const { snapshot } = readContextFiles(opts.context, (line) => err.write(`a2t: context: ${line}\n`));
  const streamed = streamInputs(inputs);
  const detect = cliDetectStage(opts.rules ?? [], err);
  // Inputs stream in pieces (1 MiB per record, any file size); each file stays one unit, as runInMemory has it.
  const units = [];
  for (const ref of streamed.refs) units.push(await normalizeStreamed(streamed, ref, { annotate: detect.annotate }));
  const run = await runUnitsInMemory(units, snapshot);
  // Below the ticket threshold an incident is kept and counted, never ticketed: show what would be ticketed.
  const shown = opts.all ? run.views : run.views.filter((v) => v.severity >= DEFAULT_HANDOFF.ticketThreshold);
  const reports = shown.map((view) => ({ view, report: draftReport(view) }));
  const format = opts.format as DraftFormat;
  if (format === 'json') {
    const items = reports.map(({ view, report }) => ({
      incidentId: view.incidentId,
      summary: report.summary,
      priority: report.priority.name,
      priorityLevel: report.priority.level,
      severity: view.severity,
      labels: report.labels,
      alertCount: view.alertCount,
      duplicates: view.duplicates,
      hosts: view.hosts,
      users: view.users,
      techniques: view.techniques,
      iocs: view.iocs.map((i) => ({
        type: i.type,
        value: i.value,
        defanged: i.defanged,
        ...(i.role ? { role: i.role } : {}),
      })),
      markdown: renderMarkdown(report),
      adf: renderAdf(report),
    }));
    out.write(`${JSON.stringify(items, null, 2)}\n`);
  } else if (format === 'adf') {
    out.write(
      `${JSON.stringify(
        reports.map(({ report }) => renderAdf(report)),
        null,
        2,
      )}\n`,
    );
  } else {
    out.write(reports.map(({ report }) => renderMarkdown(report)).join('\n\n---\n\n'));
    out.write('\n');
  }
  err.write(
    `a2t draft: ${run.result.accepted} alert(s), ${run.result.duplicates} duplicate(s), ${run.rejections.length} rejection(s) → ` +
      `${run.views.length} incident(s), ${reports.length} shown` +
      `${opts.all ? '' : ` (severity ≥ ${DEFAULT_HANDOFF.ticketThreshold}; --all for every incident)`}\n`,
  );
}
