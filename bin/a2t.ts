#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from '../lambdas/cli/errors';
import { normalizeCommand } from '../lambdas/cli/commands/normalize';
import { draftCommand } from '../lambdas/cli/commands/draft';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * The `a2t` CLI. Each command is a thin adapter over the same pipeline code the Lambdas run.
 * Exit codes: 0 done, 1 failed, 2 usage error. No stack trace ever reaches a user.
 */
export function buildProgram(): Command {
  const program = new Command('a2t')
    .description('alert-to-ticket: Sysmon/EDR alerts → deduplicated, enriched incidents → Jira tickets')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run a2t --help for usage)');

  program
    .command('normalize')
    .description('decode and normalize inputs: canonical alerts as NDJSON on stdout, rejections as JSON lines on stderr')
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
    .command('demo')
    .description('replay the example attacks in examples/ through the local pipeline and show the tickets')
    .action(() => {
      process.stdout.write(
        'a2t demo: the end-to-end demo (local SQS, DynamoDB and Jira emulator) is built in the local end-to-end issue.\n',
      );
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
