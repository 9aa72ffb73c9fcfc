import { isObject } from '../common';
import type { Json } from '../common';
import { TEXT, parseXmlFragment } from '../xml';

/**
 * The task definition Windows logs with 4698 (created) and 4702 (updated) in `TaskContent`, and with 4699 (deleted)
 * in `TaskContentNew`/`TaskContent` when it kept one: the command it runs, what starts it and who registered it.
 */
export interface TaskDefinition {
  /** `Command Arguments` of each `Exec` action, `; `-joined; COM handlers as `com:{CLSID}`. */
  action?: string;
  /** Trigger kinds in the definition order, lower case without `Trigger`: `logon, daily`. */
  trigger?: string;
  author?: string;
}

/** Longest task XML read: a definition is a few KB; beyond this it is padding meant to slow the reader. */
const MAX_TASK_XML = 64 * 1024;

function text(v: unknown): string | undefined {
  const t = typeof v === 'string' ? v : isObject(v) && typeof v[TEXT] === 'string' ? v[TEXT] : undefined;
  const trimmed = t?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function list(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function actionsOf(actions: unknown): string | undefined {
  if (!isObject(actions)) return undefined;
  const out: string[] = [];
  for (const exec of list(actions.Exec)) {
    if (!isObject(exec)) continue;
    const command = text(exec.Command);
    if (command === undefined) continue;
    const args = text(exec.Arguments);
    out.push(args === undefined ? command : `${command} ${args}`);
  }
  for (const com of list(actions.ComHandler)) {
    const clsid = isObject(com) ? text(com.ClassId) : undefined;
    if (clsid !== undefined) out.push(`com:${clsid}`);
  }
  return out.length > 0 ? out.join('; ') : undefined;
}

function triggersOf(triggers: unknown): string | undefined {
  if (!isObject(triggers)) return undefined;
  const kinds = Object.keys(triggers)
    .filter((k) => k.endsWith('Trigger'))
    .map((k) => k.slice(0, -'Trigger'.length).toLowerCase());
  return kinds.length > 0 ? kinds.join(', ') : undefined;
}

/** Read a task definition; undefined when the text is not one (or not well-formed XML, or too large). */
export function parseTaskXml(xml: string | undefined): TaskDefinition | undefined {
  if (xml === undefined || xml.length > MAX_TASK_XML || !xml.includes('<')) return undefined;
  let doc: Json;
  try {
    // The declaration claims UTF-16, but the text already arrived decoded.
    doc = parseXmlFragment(xml.replace(/^\s*<\?xml[^>]*\?>/, ''));
  } catch {
    return undefined;
  }
  const task = doc.Task;
  if (!isObject(task)) return undefined;
  const info = isObject(task.RegistrationInfo) ? task.RegistrationInfo : {};
  const def: TaskDefinition = {};
  const action = actionsOf(task.Actions);
  const trigger = triggersOf(task.Triggers);
  const author = text(info.Author);
  if (action !== undefined) def.action = action;
  if (trigger !== undefined) def.trigger = trigger;
  if (author !== undefined) def.author = author;
  return def;
}
