import { DEFAULT_PRIORITY_NAMES, ticketSyncSettings, ticketSyncSettingsFromEnv } from '../../lambdas/adapters/config';
import { ConfigError } from '../../lambdas/core/errors';
import { loadDeployConfig } from '../../lib/config';

/** ticket-sync's one settings path: what the Lambda reads at cold start is what the CLI, bench and tests build. */

const ENV = {
  A2T_JIRA_PROJECT_KEY: 'SOC',
  A2T_JIRA_ISSUE_TYPE: 'Incident',
  A2T_PRIORITY_NAMES: '{"P1":"Blocker","P2":"Critical","P3":"Major","P4":"Minor"}',
  A2T_SETTINGS: '{"commentIntervalMinutes":2,"reopenWindowDays":3,"components":["SOC"]}',
};

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('no ConfigError');
}

describe('ticket-sync settings', () => {
  it('reads the environment the stack sets, converting minutes and days', () => {
    expect(ticketSyncSettingsFromEnv(ENV)).toMatchObject({
      projectKey: 'SOC',
      issueTypeName: 'Incident',
      priorityNames: { P1: 'Blocker', P2: 'Critical', P3: 'Major', P4: 'Minor' },
      components: ['SOC'],
      commentIntervalMs: 2 * 60_000,
      reopenWindowMs: 3 * 86_400_000,
    });
  });

  it('builds the same settings from the same values outside the Lambda', () => {
    expect(
      ticketSyncSettings(
        { projectKey: 'SOC', issueTypeName: 'Incident', priorityNames: JSON.parse(ENV.A2T_PRIORITY_NAMES) },
        JSON.parse(ENV.A2T_SETTINGS),
      ),
    ).toEqual(ticketSyncSettingsFromEnv(ENV));
  });

  it('fills every default, the priority names included, from one place', () => {
    const s = ticketSyncSettings({ projectKey: 'SOC', issueTypeName: 'Incident' });
    expect(s.priorityNames).toEqual(DEFAULT_PRIORITY_NAMES);
    expect(s).toMatchObject({ commentIntervalMs: 5 * 60_000, reopenWindowMs: 7 * 86_400_000, ticketThreshold: 40 });
    const deployed = loadDeployConfig(
      (key) =>
        ({ 'a2t:jiraSiteUrl': 'https://x.atlassian.net', 'a2t:jiraProjectKey': 'SOC', 'a2t:jiraSecretName': 's' })[key],
    );
    expect(deployed.priorityNames).toEqual(DEFAULT_PRIORITY_NAMES);
  });

  it('sizes the raw-events attachment from the settings, 10 MiB by default, never below 64 KiB', () => {
    const target = { projectKey: 'SOC', issueTypeName: 'Incident' };
    expect(ticketSyncSettings(target).attachmentMaxBytes).toBe(10 * 1024 * 1024);
    expect(ticketSyncSettings(target, { rawEventsAttachmentMaxBytes: 2_000_000 }).attachmentMaxBytes).toBe(2_000_000);
    expect(configError(() => ticketSyncSettings(target, { rawEventsAttachmentMaxBytes: 1000 }))).toMatch(
      /rawEventsAttachmentMaxBytes/,
    );
  });

  it('names the variable and the key of a bad value instead of casting it', () => {
    expect(configError(() => ticketSyncSettingsFromEnv({ ...ENV, A2T_PRIORITY_NAMES: '{"P1":"Blocker"}' }))).toMatch(
      /^A2T_PRIORITY_NAMES\.P2: /,
    );
    expect(configError(() => ticketSyncSettingsFromEnv({ ...ENV, A2T_PRIORITY_NAMES: 'Blocker,Critical' }))).toBe(
      'A2T_PRIORITY_NAMES is not JSON',
    );
    expect(configError(() => ticketSyncSettingsFromEnv({ ...ENV, A2T_SETTINGS: '{"reopenWindowDays":-1}' }))).toMatch(
      /^A2T_SETTINGS\.reopenWindowDays: /,
    );
    expect(configError(() => ticketSyncSettingsFromEnv({ ...ENV, A2T_JIRA_PROJECT_KEY: 'soc' }))).toMatch(
      /^A2T_JIRA_PROJECT_KEY: a Jira project key/,
    );
    expect(configError(() => ticketSyncSettingsFromEnv({ ...ENV, A2T_JIRA_ISSUE_TYPE: '' }))).toBe(
      'environment variable A2T_JIRA_ISSUE_TYPE is not set',
    );
  });
});
