import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** One comment as the emulator keeps it. */
export interface StoredComment {
  id: string;
  body: unknown;
  authorAccountId: string;
  created: number;
}

/** One attached file as the emulator keeps it: its bytes base64-encoded, so the state file stays JSON. */
export interface StoredAttachment {
  id: string;
  filename: string;
  mimeType: string;
  size: number;
  authorAccountId: string;
  created: number;
  contentBase64: string;
}

/** One issue as the emulator keeps it; timestamps are epoch milliseconds. */
export interface StoredIssue {
  id: string;
  key: string;
  number: number;
  projectKey: string;
  issueType: string;
  summary: string;
  /** ADF, or null when the issue has no description. */
  description: unknown;
  labels: string[];
  priority: string;
  status: string;
  resolution: string | null;
  resolutionDate: number | null;
  components: string[];
  customFields: Record<string, unknown>;
  created: number;
  updated: number;
  /** From this time on, search sees the issue (Jira's index lags behind its writes). */
  searchableAt: number;
  comments: StoredComment[];
  /** Absent in state files written before the emulator kept attachments: read as none. */
  attachments?: StoredAttachment[];
}

export interface StoredLink {
  id: string;
  typeName: string;
  /** The issue on the inward side ("is blocked by"), and the one on the outward side ("blocks"). */
  inwardKey: string;
  outwardKey: string;
}

interface State {
  version: 1;
  nextIssueNumber: number;
  nextId: number;
  issues: StoredIssue[];
  links: StoredLink[];
}

/**
 * Issues, comments and links in memory, optionally mirrored to a JSON file after every write (written to a temporary
 * file and renamed, so a crash never leaves half a file). Fine for a local emulator's volumes.
 */
export class IssueStore {
  private state: State;

  constructor(private readonly file?: string) {
    this.state = file !== undefined && existsSync(file) ? readState(file) : emptyState();
  }

  all(): readonly StoredIssue[] {
    return this.state.issues;
  }

  links(): readonly StoredLink[] {
    return this.state.links;
  }

  /** By key (case-insensitive, as Jira) or by numeric id. */
  find(idOrKey: string): StoredIssue | undefined {
    const wanted = idOrKey.toUpperCase();
    return this.state.issues.find((i) => i.key === wanted || i.id === idOrKey);
  }

  /** Allocates the next key and id, adds the issue, and persists. */
  create(projectKey: string, build: (ids: { id: string; key: string; number: number }) => StoredIssue): StoredIssue {
    const number = this.state.nextIssueNumber++;
    const issue = build({ id: this.nextId(), key: `${projectKey}-${number}`, number });
    this.state.issues.push(issue);
    this.persist();
    return issue;
  }

  nextId(): string {
    return String(this.state.nextId++);
  }

  /** The issue holding attachment `id`, and the attachment. */
  findAttachment(id: string): { issue: StoredIssue; attachment: StoredAttachment } | undefined {
    for (const issue of this.state.issues) {
      const attachment = (issue.attachments ?? []).find((a) => a.id === id);
      if (attachment !== undefined) return { issue, attachment };
    }
    return undefined;
  }

  addLink(link: Omit<StoredLink, 'id'>): StoredLink {
    const stored = { id: this.nextId(), ...link };
    this.state.links.push(stored);
    this.persist();
    return stored;
  }

  /** Call after mutating an issue in place. */
  persist(): void {
    if (this.file === undefined) return;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.file);
  }
}

function emptyState(): State {
  return { version: 1, nextIssueNumber: 1, nextId: 10000, issues: [], links: [] };
}

function readState(file: string): State {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<State>;
  if (parsed.version !== 1 || !Array.isArray(parsed.issues) || !Array.isArray(parsed.links)) {
    throw new Error(`${file} is not a Jira emulator state file (version 1)`);
  }
  return { ...emptyState(), ...parsed } as State;
}
