#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from '../cli/errors';
import { normalizeCommand } from '../cli/commands/normalize';
import { detectCommand } from '../cli/commands/detect';
import { rulesCheckCommand } from '../cli/commands/rules';
import { draftCommand } from '../cli/commands/draft';
import { assertNoFailures, printTable, replay } from '../cli/commands/replay';
import { demoCommand } from '../cli/commands/demo';
import { listDeadLetters, redrive } from '../cli/commands/dlq';
import { awsTarget } from '../cli/aws-target';
import { readContextFiles } from '../cli/context-files';
import { DEFAULT_PRIORITY_NAMES, DEFAULT_SETTINGS } from '../lambdas/adapters/config';
import { importContext } from '../lambdas/adapters/dynamodb/context-store';
import { jiraCheck } from '../cli/commands/jira-check';
import { ticketingCommand } from '../cli/commands/ticketing';
import { reportCommand } from '../cli/commands/report';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * The `a2t` CLI. Each command is a thin adapter over the same pipeline code the Lambdas run.
 * Exit codes: 0 done, 1 failed, 2 usage error. No stack trace ever reaches a user.
 */
// The CLI runs locally on the developer's Node (20 works); the Lambdas run on Node 24, so the AWS SDK's Node 20
// deprecation notice says nothing actionable here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export function buildProgram(): Command {
  const program = new Command('a2t')
    .description('alert-to-ticket: Sysmon/EDR alerts → deduplicated, enriched incidents → Jira tickets')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run a2t --help for usage)');

  program
    .command('normalize')
    .description(
      'decode and normalize inputs: canonical alerts as NDJSON on stdout, rejections as JSON lines on stderr',
    )
    .argument('[inputs...]', 'files, directories (walked recursively) or - for stdin', [])
    .action(async (inputs: string[]) => {
      await normalizeCommand(inputs);
    });

  program
    .command('detect')
    .description(
      'run the Sigma rules (SigmaHQ Windows pack + --rules) on every event: one line per match, or one JSON line per event',
    )
    .argument('[inputs...]', 'files, directories (walked recursively) or - for stdin', [])
    .option('--rules <dir>', 'a folder of your own Sigma rules (YAML); repeatable', collect, [])
    .option('--json', 'one JSON line per event: {"file","record","alertId","matches":[…]}')
    .option('--disable <id>', 'a rule id not to run; repeatable', collect, [])
    .option('--min-level <level>', 'lowest rule level reported (informational, low, medium, high, critical)')
    .option('--experimental', 'also run SigmaHQ rules of status experimental')
    .option('--threat-hunting', "also run SigmaHQ's threat-hunting rules")
    .action(
      async (
        inputs: string[],
        opts: {
          rules: string[];
          json?: boolean;
          disable: string[];
          minLevel?: string;
          experimental?: boolean;
          threatHunting?: boolean;
        },
      ) => {
        await detectCommand(inputs, opts);
      },
    );

  program
    .command('rules')
    .description('Sigma rule packs')
    .command('check')
    .description('rule counts by status, level, logsource and unsupported reason (the builtin pack when no DIR)')
    .argument('[dir]', 'a folder of your own Sigma rules')
    .option('--json', 'one JSON object')
    .action((dir: string | undefined, opts: { json?: boolean }) => {
      rulesCheckCommand(dir, opts);
    });

  program
    .command('draft')
    .description('run the pipeline in memory and print one incident report per incident')
    .argument('[inputs...]', 'files, directories (walked recursively) or - for stdin', [])
    .option('--format <format>', 'md, json or adf', 'md')
    .option('--context <file>', 'assets, users or indicators (CSV or JSON); repeatable', collect, [])
    .option('--all', 'also incidents below the ticket threshold')
    .option('--rules <dir>', 'a folder of your own Sigma rules, run beside the SigmaHQ pack; repeatable', collect, [])
    .action(async (inputs: string[], opts: { format: string; context: string[]; all?: boolean; rules: string[] }) => {
      await draftCommand(inputs, opts);
    });

  program
    .command('replay')
    .description('the whole pipeline over the inputs: local SQS + DynamoDB + Jira (emulator, or a real site from env)')
    .argument('[inputs...]', 'files, directories (walked recursively) or - for stdin', [])
    .option(
      '--jira <target>',
      'local (the emulator) or env (JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN, JIRA_PROJECT_KEY)',
      'local',
    )
    .option('--context <file>', 'assets, users or indicators (CSV or JSON); repeatable', collect, [])
    .option('--json', 'print one JSON object: accepted, rejected, duplicates, incidents, tickets')
    .option('--rules <dir>', 'a folder of your own Sigma rules, run beside the SigmaHQ pack; repeatable', collect, [])
    .option('--out <dir>', 'write each ticket as Markdown here', 'out')
    .option('--dry-run', 'with --jira env: print the requests instead of sending them')
    .option(
      '--report',
      'shadow mode: what would have been ticketed (per day, ratios, noisiest Sigma rules and hosts), no Jira; inputs of any size are streamed',
    )
    .option(
      '--report-html <file>',
      'shadow mode, and the report as a self-contained HTML page with a tickets-per-day chart',
    )
    .option('--threads <n>', 'shadow mode: threads for decode, detect and enrich (default: one per core)', (v) =>
      Number(v),
    )
    .action(
      async (
        inputs: string[],
        opts: {
          jira: string;
          context: string[];
          json?: boolean;
          out: string;
          dryRun?: boolean;
          report?: boolean;
          reportHtml?: string;
          threads?: number;
          rules: string[];
        },
      ) => {
        if (opts.report || opts.reportHtml !== undefined) {
          await reportCommand(inputs, opts);
          return;
        }
        if (opts.threads !== undefined) throw new CliError('--threads applies to shadow mode (--report)', EXIT.usage);
        const s = await replay(inputs, opts, (line) => process.stderr.write(`a2t: ${line}\n`));
        try {
          if (opts.json) {
            const { close: _close, ...rest } = s;
            process.stdout.write(
              `${JSON.stringify({ accepted: rest.accepted, rejected: rest.rejected, duplicates: rest.duplicates, incidents: rest.incidents, tickets: rest.tickets.map((t) => ({ key: t.key, incidentId: t.incidentId, action: t.action, priority: t.priority, summary: t.summary, alerts: t.alerts })), rejections: rest.rejections, errors: rest.errors }, null, 2)}\n`,
            );
          } else printTable(s, process.stdout);
          assertNoFailures(s, (line) => process.stderr.write(`a2t: ${line}\n`));
        } finally {
          await s.close();
        }
      },
    );

  const stackOption = '--stack <name>';
  const stackHelp = 'the deployed stack (e.g. AlertToTicket): its outputs are read from it, not from A2T_* variables';
  const dlq = program
    .command('dlq')
    .description('dead letters and stored rejections of the deployed stack (--stack NAME, or its outputs in A2T_*)');
  dlq
    .command('list')
    .description('dead letters of both queues and the rejections of the last days: the error, time, excerpt')
    .option(stackOption, stackHelp)
    .option('--days <n>', 'days of rejections', (v) => Number(v), 7)
    .option('--json', 'one JSON array')
    .action(async (opts: { days: number; json?: boolean; stack?: string }) => {
      const items = await listDeadLetters(await awsTarget({ stack: opts.stack }), opts.days);
      if (opts.json) process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
      else
        for (const d of items) process.stdout.write(`${d.time}  ${d.kind}  ${d.id}  ${d.reason}\n    ${d.excerpt}\n`);
      process.stderr.write(`a2t dlq list: ${items.length} item(s)\n`);
    });
  dlq
    .command('redrive')
    .description('move every dead letter back to its queue (until the DLQs are empty); rejected bodies only when asked')
    .option(stackOption, stackHelp)
    .option('--rejections', 'also send stored rejections back to intake (once their cause is fixed)')
    .action(async (opts: { rejections?: boolean; stack?: string }) => {
      const r = await redrive(await awsTarget({ stack: opts.stack }), {
        rejections: opts.rejections === true,
        log: (line) => process.stderr.write(`a2t: ${line}\n`),
      });
      process.stdout.write(
        `re-driven (${r.via}): ${r.intake} intake, ${r.ticketSync} ticket-sync, ${r.rejections} rejected bodies; ${r.skipped} rejection(s) without a stored body\n`,
      );
    });

  program
    .command('context')
    .description('asset, user and threat-intel context')
    .command('import')
    .description('import assets, users or indicators (CSV with a header row, or JSON) into the table (A2T_TABLE_NAME)')
    .argument('<files...>', 'context files')
    .option(stackOption, stackHelp)
    .action(async (files: string[], opts: { stack?: string }) => {
      const { parsed } = readContextFiles(files, (line) => process.stderr.write(`a2t: ${line}\n`));
      const t = await awsTarget({ stack: opts.stack, need: 'table' });
      const n = await importContext(t.doc, t.table, parsed);
      process.stdout.write(
        `imported ${n.assets} asset(s), ${n.users} user(s), ${n.indicators} indicator(s); ${parsed.errors.length} row(s) refused\n`,
      );
    });

  program
    .command('jira')
    .description('Jira site operations')
    .command('check')
    .description(
      "check a site before go-live: the deployed stack's (--stack NAME, with its secret) or JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN, JIRA_PROJECT_KEY; prints what to fix",
    )
    .option(stackOption, 'the deployed stack: its site, Jira secret, issue type and priorities')
    .option('--issue-type <name>', 'issue type', process.env.JIRA_ISSUE_TYPE ?? 'Incident')
    .option(
      '--priorities <names>',
      'P1..P4 priority names, comma-separated',
      Object.values(DEFAULT_PRIORITY_NAMES).join(','),
    )
    .option('--reopen-transition <name>', 'transition used to reopen', DEFAULT_SETTINGS.reopenTransition)
    .action(async (opts: { issueType: string; priorities: string; reopenTransition: string; stack?: string }) => {
      const { site, expectations, problems } = await jiraCheck(opts);
      const blocking = problems.filter((p) => p.blocking);
      for (const p of blocking) process.stdout.write(`fix: ${p.message}\n`);
      for (const p of problems.filter((x) => !x.blocking)) process.stdout.write(`warn: ${p.message}\n`);
      if (blocking.length > 0) {
        throw new CliError(`${blocking.length} problem(s) make ticketing impossible: fix them before go-live`);
      }
      process.stdout.write(
        `Jira site ready: ${site}, project ${expectations.projectKey}, issue type ${expectations.issueTypeName}${problems.length > 0 ? ` (${problems.length} warning(s): ticketing works, fix them when you can)` : ''}\n`,
      );
    });

  program
    .command('ticketing')
    .description('show or set the deployed kill switch (on, dry-run, off) and hourly ticket cap; no redeploy')
    .argument('[mode]', 'on, dry-run (draft and log, no Jira writes) or off (hand-offs wait on the queue)')
    .option(stackOption, stackHelp)
    .option('--cap <n>', 'tickets created per hour at most')
    .action(async (mode: string | undefined, opts: { stack?: string; cap?: string }) => {
      const r = await ticketingCommand(mode, opts);
      const show = (c: { mode: string; maxTicketsPerHour: number }) =>
        `${c.mode}, at most ${c.maxTicketsPerHour} ticket(s) per hour`;
      if (mode === undefined && opts.cap === undefined) process.stdout.write(`ticketing: ${show(r.before)}\n`);
      else
        process.stdout.write(
          `ticketing: ${show(r.before)} → ${show(r.after)} (ticket-sync reads it within a minute; ${r.parameters.mode}, ${r.parameters.cap})\n`,
        );
    });

  program
    .command('demo')
    .description('replay the example attacks in examples/ through the local pipeline and show the tickets')
    .option('--serve', 'keep the Jira emulator running to browse the tickets')
    .option('--port <port>', 'port of the Jira emulator with --serve', (v) => Number(v), 0)
    .action(async (opts: { serve?: boolean; port: number }) => {
      await demoCommand(opts);
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version also arrive here, with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      process.stderr.write(`a2t: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`a2t: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
