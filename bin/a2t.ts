#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from '../lambdas/cli/errors';
import { normalizeCommand } from '../lambdas/cli/commands/normalize';
import { draftCommand } from '../lambdas/cli/commands/draft';
import { printTable, replay } from '../lambdas/cli/commands/replay';
import { demoCommand } from '../lambdas/cli/commands/demo';

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
    .command('draft')
    .description('run the pipeline in memory and print one incident report per incident')
    .argument('[inputs...]', 'files, directories (walked recursively) or - for stdin', [])
    .option('--format <format>', 'md, json or adf', 'md')
    .option('--context <file>', 'assets, users or indicators (CSV or JSON); repeatable', collect, [])
    .option('--all', 'also incidents below the ticket threshold')
    .action(async (inputs: string[], opts: { format: string; context: string[]; all?: boolean }) => {
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
    .option('--out <dir>', 'write each ticket as Markdown here', 'out')
    .action(async (inputs: string[], opts: { jira: string; context: string[]; json?: boolean; out: string }) => {
      const s = await replay(inputs, opts, (line) => process.stderr.write(`a2t: ${line}\n`));
      try {
        if (opts.json) {
          const { close: _close, ...rest } = s;
          process.stdout.write(
            `${JSON.stringify({ accepted: rest.accepted, rejected: rest.rejected, duplicates: rest.duplicates, incidents: rest.incidents, tickets: rest.tickets.map((t) => ({ key: t.key, incidentId: t.incidentId, action: t.action, priority: t.priority, summary: t.summary, alerts: t.alerts })), rejections: rest.rejections, errors: rest.errors }, null, 2)}\n`,
          );
        } else printTable(s, process.stdout);
      } finally {
        await s.close();
      }
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
