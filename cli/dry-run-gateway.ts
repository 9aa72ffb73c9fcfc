import type { AdfDoc } from '../lambdas/core/render/adf-nodes';
import type {
  AttachmentInfo,
  AttachmentUpload,
  CreateIssueInput,
  IssueState,
  TicketGateway,
} from '../lambdas/core/sync/ports';

/**
 * `a2t replay --jira env --dry-run`: prints each request the pipeline would send to the site (method, path and a
 * body summary; never credentials) and answers as a fresh Jira would, so the whole run can be read before go-live.
 */
export class DryRunGateway implements TicketGateway {
  private next = 1;
  private readonly issues = new Map<string, IssueState>();
  constructor(
    private readonly projectKey: string,
    private readonly print: (line: string) => void,
  ) {}

  async createIssue(input: CreateIssueInput): Promise<{ key: string; id: string }> {
    const key = `${this.projectKey}-DRY${this.next}`;
    const id = String(10_000 + this.next++);
    this.print(
      `POST /rest/api/3/issue  summary=${JSON.stringify(input.summary)} priority=${input.priorityName} labels=${input.labels.join(',')} description=${JSON.stringify(input.description).length} chars ADF`,
    );
    this.issues.set(key, {
      key,
      status: 'To Do',
      statusCategory: 'new',
      labels: input.labels,
      priorityName: input.priorityName,
    });
    return { key, id };
  }
  async findByLabel(projectKey: string, label: string): Promise<{ key: string; status: string }[]> {
    this.print(`GET  /rest/api/3/search/jql  jql=project = "${projectKey}" AND labels = "${label}"`);
    return [];
  }
  async getIssue(key: string): Promise<IssueState> {
    this.print(`GET  /rest/api/3/issue/${key}`);
    return this.issues.get(key) ?? { key, status: 'To Do', statusCategory: 'new', labels: [] };
  }
  async addComment(key: string, body: AdfDoc): Promise<void> {
    this.print(`POST /rest/api/3/issue/${key}/comment  ${JSON.stringify(body).length} chars ADF`);
  }
  async updateIssue(key: string, change: { addLabels?: string[]; priorityName?: string }): Promise<void> {
    this.print(
      `PUT  /rest/api/3/issue/${key}  ${change.addLabels ? `add labels ${change.addLabels.join(',')} ` : ''}${change.priorityName ? `priority ${change.priorityName}` : ''}`.trimEnd(),
    );
  }
  async transition(key: string, transitionName: string): Promise<void> {
    this.print(`POST /rest/api/3/issue/${key}/transitions  ${transitionName}`);
  }
  async linkIssues(inwardKey: string, outwardKey: string, typeName: string): Promise<void> {
    this.print(`POST /rest/api/3/issueLink  ${typeName} ${inwardKey} → ${outwardKey}`);
  }
  async hasComment(key: string): Promise<boolean> {
    this.print(`GET  /rest/api/3/issue/${key}/comment`);
    return false;
  }
  async listAttachments(key: string): Promise<AttachmentInfo[]> {
    this.print(`GET  /rest/api/3/issue/${key}?fields=attachment`);
    return [];
  }
  async addAttachment(key: string, file: AttachmentUpload): Promise<AttachmentInfo> {
    const size = Buffer.byteLength(file.content);
    this.print(
      `POST /rest/api/3/issue/${key}/attachments  multipart file=${file.fileName} (${file.mediaType}, ${size} bytes) X-Atlassian-Token: no-check`,
    );
    return { id: String(20_000 + this.next++), filename: file.fileName, size };
  }
  async removeAttachment(id: string): Promise<void> {
    this.print(`DELETE /rest/api/3/attachment/${id}`);
  }
  async attachmentLimit(): Promise<number | undefined> {
    this.print('GET  /rest/api/3/attachment/meta');
    return undefined;
  }
}
