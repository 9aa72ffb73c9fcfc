import { PermanentError } from '../../../lambdas/core/errors';
import {
  ALWAYS_SENT_FIELDS,
  CUSTOM_FIELD_SOURCES,
  JIRA_FIELDS,
  customFieldValues,
  jiraCreateFields,
  jiraIssueEdit,
} from '../../../lambdas/core/sync/jira-fields';
import type { CreateIssueInput } from '../../../lambdas/core/sync/ports';

const description = { version: 1, type: 'doc', content: [] } as unknown as CreateIssueInput['description'];

const input = (extra: Partial<CreateIssueInput> = {}): CreateIssueInput => ({
  projectKey: 'SOC',
  issueTypeName: 'Incident',
  summary: 'Run key persistence on FIN-WS-034',
  description,
  labels: ['a2t-inc-20240215-abc123', 'T1547.001'],
  priorityName: 'High',
  ...extra,
});

describe('Jira field table', () => {
  it('builds the create body from the rows', () => {
    expect(jiraCreateFields(input())).toEqual({
      project: { key: 'SOC' },
      issuetype: { name: 'Incident' },
      summary: 'Run key persistence on FIN-WS-034',
      description,
      labels: ['a2t-inc-20240215-abc123', 'T1547.001'],
      priority: { name: 'High' },
    });
  });

  it('adds components and custom fields only when configured', () => {
    const fields = jiraCreateFields(input({ components: ['Endpoint'], customFields: { customfield_10050: 87 } }));
    expect(fields.components).toEqual([{ name: 'Endpoint' }]);
    expect(fields.customfield_10050).toBe(87);
    expect(jiraCreateFields(input({ components: [] }))).not.toHaveProperty('components');
  });

  it('refuses a custom field id that could overwrite a standard field', () => {
    expect(() => jiraCreateFields(input({ customFields: { summary: 'x' } }))).toThrow(PermanentError);
  });

  it('lists the always-sent fields for the site check', () => {
    expect(ALWAYS_SENT_FIELDS).toEqual(['project', 'issuetype', 'summary', 'description', 'labels', 'priority']);
  });

  it('edits only the rows that are written after create, labels by add', () => {
    const updated = JIRA_FIELDS.filter((f) => f.update !== 'never').map((f) => [f.field, f.update]);
    expect(updated).toEqual([
      ['labels', 'add'],
      ['priority', 'set'],
    ]);
    expect(jiraIssueEdit({ addLabels: ['T1055'], priorityName: 'Highest' })).toEqual({
      fields: { priority: { name: 'Highest' } },
      update: { labels: [{ add: 'T1055' }] },
    });
    expect(jiraIssueEdit({})).toEqual({ fields: undefined, update: undefined });
  });

  it('fills custom fields from the incident', () => {
    expect(CUSTOM_FIELD_SOURCES).toEqual(['severity', 'incidentId']);
    expect(
      customFieldValues(
        { customfield_1: 'severity', customfield_2: 'incidentId' },
        { incidentId: 'INC-20240215-abc123', severity: 87 },
      ),
    ).toEqual({ customfield_1: 87, customfield_2: 'INC-20240215-abc123' });
  });
});
