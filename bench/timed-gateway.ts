import type { AdfDoc } from '../lambdas/core/render/adf-nodes';
import type {
  AttachmentInfo,
  AttachmentUpload,
  CreateIssueInput,
  IssueState,
  TicketGateway,
} from '../lambdas/core/sync/ports';

/** When each issue came to exist: the moment Jira answered its create (performance.now()), by summary. */
export interface CreatedIssue {
  key: string;
  summary: string;
  at: number;
}

/**
 * The real gateway, unchanged, with one observation: the moment each create returns. That is when the ticket
 * exists for an analyst, so the latency figure needs no polling of the emulator (and no polling error).
 */
export class TimedGateway implements TicketGateway {
  readonly created: CreatedIssue[] = [];

  // The attachment methods are optional on a gateway and come together: passed through only when the real one has
  // them, so the bench's Jira calls per incident include the raw-events file exactly as production makes them.
  readonly listAttachments?: (key: string) => Promise<AttachmentInfo[]>;
  readonly addAttachment?: (key: string, file: AttachmentUpload) => Promise<AttachmentInfo>;
  readonly removeAttachment?: (id: string) => Promise<void>;
  readonly attachmentLimit?: () => Promise<number | undefined>;

  constructor(private readonly inner: TicketGateway) {
    if (inner.listAttachments && inner.addAttachment && inner.removeAttachment && inner.attachmentLimit) {
      this.listAttachments = inner.listAttachments.bind(inner);
      this.addAttachment = inner.addAttachment.bind(inner);
      this.removeAttachment = inner.removeAttachment.bind(inner);
      this.attachmentLimit = inner.attachmentLimit.bind(inner);
    }
  }

  async createIssue(input: CreateIssueInput): Promise<{ key: string; id: string }> {
    const r = await this.inner.createIssue(input);
    this.created.push({ key: r.key, summary: input.summary, at: performance.now() });
    return r;
  }

  findByLabel(projectKey: string, label: string): Promise<{ key: string; status: string; created?: string }[]> {
    return this.inner.findByLabel(projectKey, label);
  }

  getIssue(key: string): Promise<IssueState> {
    return this.inner.getIssue(key);
  }

  addComment(key: string, body: AdfDoc): Promise<void> {
    return this.inner.addComment(key, body);
  }

  updateIssue(key: string, change: { addLabels?: string[]; priorityName?: string }): Promise<void> {
    return this.inner.updateIssue(key, change);
  }

  transition(key: string, transitionName: string): Promise<void> {
    return this.inner.transition(key, transitionName);
  }

  linkIssues(inwardKey: string, outwardKey: string, typeName: string): Promise<void> {
    return this.inner.linkIssues(inwardKey, outwardKey, typeName);
  }

  hasComment(key: string, marker: string): Promise<boolean> {
    return this.inner.hasComment(key, marker);
  }
}
