import * as path from 'node:path';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { awsTarget } from '../../cli/aws-target';
import { redrive } from '../../cli/commands/dlq';
import { jiraCheck } from '../../cli/commands/jira-check';
import { ticketingCommand } from '../../cli/commands/ticketing';
import { readInputs } from '../../cli/inputs';
import { operatorValues } from '../../cli/stack-outputs';
import type { StackValues } from '../../cli/stack-outputs';

/** The operator commands against a deployed stack, with the AWS clients mocked (unit: no server, no account). */

const STACK: StackValues = {
  tableName: 'AlertToTicket-StoreTable-1',
  intakeQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/alerts',
  intakeDlqUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/alerts-dlq',
  ticketSyncQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/ticket-sync.fifo',
  ticketSyncDlqUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/ticket-sync-dlq.fifo',
  ticketingParameter: '/AlertToTicket/ticketing',
  ticketCapParameter: '/AlertToTicket/max-tickets-per-hour',
};
const readStack = async (name: string) => {
  if (name !== 'AlertToTicket') throw new Error(`no stack ${name}`);
  return STACK;
};

describe('--stack NAME', () => {
  it('finds every A2T_* value by the stack name, over what the environment says', async () => {
    const { values, from } = await operatorValues('AlertToTicket', { A2T_TABLE_NAME: 'stale' }, readStack);
    expect(from).toBe('stack AlertToTicket');
    expect(values.tableName).toBe('AlertToTicket-StoreTable-1');
    const t = await awsTarget({ stack: 'AlertToTicket', env: {}, read: readStack });
    expect(t).toMatchObject({ table: STACK.tableName, ticketSyncDlqUrl: STACK.ticketSyncDlqUrl });
  });

  it('says what is missing and how to give it when neither is there', async () => {
    await expect(awsTarget({ env: { A2T_TABLE_NAME: 't' } })).rejects.toThrow(
      'the environment lacks A2T_INTAKE_QUEUE_URL, A2T_INTAKE_DLQ_URL, A2T_TICKET_SYNC_QUEUE_URL, A2T_TICKET_SYNC_DLQ_URL: pass --stack NAME (the deployed stack, e.g. AlertToTicket) or set them from its outputs',
    );
  });
});

describe('a2t dlq redrive', () => {
  it("uses SQS's message-move task and waits until it has moved everything", async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl: string }) => ({
      Attributes: {
        QueueArn: `arn:aws:sqs:eu-west-1:111111111111:${input.QueueUrl.split('/').pop()}`,
        ApproximateNumberOfMessages: input.QueueUrl.endsWith('alerts-dlq') ? '0' : '240',
        ApproximateNumberOfMessagesNotVisible: '0',
      },
    }));
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'h' });
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [{ Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 100 }] })
      .resolves({ Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 240 }] });
    const sleeps: number[] = [];
    try {
      const r = await redrive(
        {
          sqs: new SQSClient({ region: 'eu-west-1' }),
          doc: {} as DynamoDBDocumentClient,
          table: 't',
          intakeUrl: STACK.intakeQueueUrl!,
          intakeDlqUrl: STACK.intakeDlqUrl!,
          ticketSyncUrl: STACK.ticketSyncQueueUrl!,
          ticketSyncDlqUrl: STACK.ticketSyncDlqUrl!,
        },
        { sleep: async (ms) => void sleeps.push(ms) },
      );
      expect(r).toEqual({ intake: 0, ticketSync: 240, rejections: 0, skipped: 0, via: 'move-task' });
      expect(sqs.commandCalls(StartMessageMoveTaskCommand).map((c) => c.args[0].input)).toEqual([
        { SourceArn: 'arn:aws:sqs:eu-west-1:111111111111:ticket-sync-dlq.fifo' },
      ]);
      expect(sleeps).toEqual([2_000]);
    } finally {
      sqs.restore();
    }
  });
});

describe('a2t ticketing', () => {
  it('shows and sets the kill switch and the cap in their parameters', async () => {
    const ssm = mockClient(SSMClient);
    const stored: Record<string, string> = {
      '/AlertToTicket/ticketing': 'on',
      '/AlertToTicket/max-tickets-per-hour': '30',
    };
    ssm.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({
      Parameters: input.Names.map((Name) => ({ Name, Value: stored[Name] })),
    }));
    ssm.on(PutParameterCommand).callsFake((input: { Name: string; Value: string }) => {
      stored[input.Name] = input.Value;
      return {};
    });
    try {
      const client = new SSMClient({ region: 'eu-west-1' });
      const r = await ticketingCommand('off', { stack: 'AlertToTicket', cap: '5' }, { ssm: client, read: readStack });
      expect(r.before).toEqual({ mode: 'on', maxTicketsPerHour: 30 });
      expect(r.after).toEqual({ mode: 'off', maxTicketsPerHour: 5 });
      expect(ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input)).toEqual([
        { Name: '/AlertToTicket/ticketing', Value: 'off', Type: 'String', Overwrite: true },
        { Name: '/AlertToTicket/max-tickets-per-hour', Value: '5', Type: 'String', Overwrite: true },
      ]);
      await expect(
        ticketingCommand('paused', { stack: 'AlertToTicket' }, { ssm: client, read: readStack }),
      ).rejects.toThrow('the kill switch is one of on, dry-run, off (got paused)');
    } finally {
      ssm.restore();
    }
  });
});

describe('a2t jira check', () => {
  it('names what it needs: the JIRA_* variables, or --stack', async () => {
    await expect(
      jiraCheck({ issueType: 'Incident', priorities: 'High', reopenTransition: 'Reopen' }, { env: {} }),
    ).rejects.toThrow(
      "a2t jira check needs JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN, JIRA_PROJECT_KEY in the environment, or --stack NAME to check the site with the deployed stack's secret",
    );
  });

  it("refuses the deployed secret's placeholders before calling Jira", async () => {
    await expect(
      jiraCheck(
        { stack: 'AlertToTicket', issueType: 'Incident', priorities: 'High', reopenTransition: 'Reopen' },
        {
          env: {},
          read: async () => ({
            jiraSiteUrl: 'https://acme.atlassian.net',
            jiraSecretArn: 'alert-to-ticket/jira',
            jiraProjectKey: 'SOC',
          }),
          secretText: async () => '{"email":"set-me@example.com","apiToken":"set-me"}',
        },
      ),
    ).rejects.toThrow(/field email still holds a placeholder/);
  });
});

describe('inputs', () => {
  it('skips the READMEs and context CSVs beside alert files in a directory, and says so', async () => {
    const skipped: string[] = [];
    const files = await readInputs([path.resolve(__dirname, '..', '..', 'examples')], process.stdin, (f) =>
      skipped.push(path.basename(f)),
    );
    expect(files.map((f) => path.basename(f.source)).sort()).toEqual([
      'edr-alerts.ndjson',
      'events.xml',
      'events.xml',
      'truncated.json',
    ]);
    expect(skipped).toEqual(expect.arrayContaining(['README.md', 'assets.csv', 'users.csv']));
  });
});
