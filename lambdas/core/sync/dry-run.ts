import type { AdfDoc } from '../render/adf-nodes';
import type { AttachmentUpload, CreateIssueInput, TicketGateway, TicketStore } from './ports';
import type { SyncDeps } from './sync-incident';

/**
 * The kill switch's `dry-run`: the deployed stack drafts and plans every hand-off as usual and reads what it needs
 * (the incident, the recorded ticket, the Jira issue), but every write is replaced by a line saying what would have
 * been sent. Neither Jira nor the table changes: switching back to `on` finds everything as it was, and the incident
 * is ticketed at its next hand-off.
 */

/** The key a dry-run create answers with: not an issue key Jira could hold. */
export const DRY_RUN_KEY = 'DRY-RUN';

/** `deps` with every Jira and ticket-state write replaced by a line to `print`, and no ticket budget. */
export function dryRunDeps(deps: SyncDeps, print: (line: string) => void): SyncDeps {
  const { budget: _budget, ...rest } = deps;
  return { ...rest, jira: dryRunGateway(deps.jira, print), store: readOnlyStore(deps.store) };
}

function dryRunGateway(jira: TicketGateway, print: (line: string) => void): TicketGateway {
  return {
    // Reads go to Jira: a dry run shows what the deployed stack would do with the site as it is.
    findByLabel: (projectKey, label) => jira.findByLabel(projectKey, label),
    getIssue: (key) => jira.getIssue(key),
    hasComment: (key, marker) => (key === DRY_RUN_KEY ? Promise.resolve(false) : jira.hasComment(key, marker)),
    async createIssue(input: CreateIssueInput) {
      print(
        `would create an issue (${input.issueTypeName}) in ${input.projectKey}: ${JSON.stringify(input.summary)}, priority ${input.priorityName}, labels ${input.labels.join(',')}, description ${adfChars(input.description)} chars`,
      );
      return { key: DRY_RUN_KEY, id: '0' };
    },
    async addComment(key: string, body: AdfDoc) {
      print(`would comment on ${key}: ${adfChars(body)} chars`);
    },
    async updateIssue(key, change) {
      const what = [
        ...(change.addLabels !== undefined && change.addLabels.length > 0
          ? [`add labels ${change.addLabels.join(',')}`]
          : []),
        ...(change.priorityName !== undefined ? [`set priority ${change.priorityName}`] : []),
      ];
      if (what.length > 0) print(`would ${what.join(' and ')} on ${key}`);
    },
    async transition(key, transitionName) {
      print(`would move ${key} through '${transitionName}'`);
    },
    async linkIssues(inwardKey, outwardKey, typeName) {
      print(`would link ${inwardKey} to ${outwardKey} (${typeName})`);
    },
    // Attachments only where the real gateway has them: the file is built and sized, never sent.
    ...(jira.listAttachments !== undefined && jira.addAttachment !== undefined && jira.removeAttachment !== undefined
      ? {
          listAttachments: (key: string) => (key === DRY_RUN_KEY ? Promise.resolve([]) : jira.listAttachments!(key)),
          attachmentLimit: () => jira.attachmentLimit?.() ?? Promise.resolve(undefined),
          async addAttachment(key: string, file: AttachmentUpload) {
            const size = Buffer.byteLength(file.content);
            print(`would attach ${file.fileName} (${size} bytes) to ${key}`);
            return { id: '0', filename: file.fileName, size };
          },
          async removeAttachment(id: string) {
            print(`would delete attachment ${id}`);
          },
        }
      : {}),
  };
}

/** Reads pass through; a create claim is granted without being written, and ticket state is not saved. */
function readOnlyStore(store: TicketStore): TicketStore {
  return {
    loadMeta: (id) => store.loadMeta(id),
    loadView: (id, max) => store.loadView(id, max),
    loadTicket: (id) => store.loadTicket(id),
    claimCreate: async () => ({ claimed: true, recovering: false }),
    saveTicket: async () => undefined,
  };
}

function adfChars(doc: AdfDoc): number {
  return JSON.stringify(doc).length;
}
