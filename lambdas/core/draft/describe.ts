import type { EnrichedAlert } from '../model/enrichment';
import { actor, actorLabel, defangValue, eventName, eventNameSpan, knownImage } from './display';
import { baseName } from '../windows';
import { code, clip, oneLine, rich, prose } from './text';
import type { Rich } from '../model/report';
import { unmapIpv4 } from '../enrich/network';

/**
 * One alert in words: the timeline line (with its actor) and the action a process tree shows under that actor.
 * Built from the alert's structured fields only; long values are cut so a line stays a line.
 */

const VALUE_CHARS = 160;

/** A value from the alert for a sentence: one line, at most `VALUE_CHARS`. */
function shortValue(text: string): string {
  return clip(oneLine(text), VALUE_CHARS);
}

export interface Described {
  /** The action without its actor: `set registry value …`, `connected to 162.125.6[.]18:443`. */
  action: Rich;
  /** Whether `action` needs the actor in front of it for a timeline line. */
  hasActor: boolean;
}

function registryPath(r: NonNullable<EnrichedAlert['registry']>): string {
  return r.valueName !== undefined ? `${r.key}\\${r.valueName}` : r.key;
}

/** The action an alert records, actor left out. */
export function describeAction(a: EnrichedAlert): Described {
  const iocs = a.enrichment.iocs;
  if (a.eventType === 'process_create' && a.process !== undefined) {
    const image = knownImage(a.process.image);
    return {
      action: rich('started ', code(image !== undefined ? shortValue(image) : actorLabel(a.process))),
      hasActor: false,
    };
  }
  if (a.registry !== undefined) {
    const r = a.registry;
    const op = r.operation ?? '';
    if (/delete/i.test(op) || /delete/i.test(a.eventType))
      return { action: rich('deleted registry ', code(shortValue(registryPath(r)))), hasActor: true };
    if (/rename/i.test(op) && r.newName !== undefined) {
      return {
        action: rich('renamed registry ', code(shortValue(registryPath(r))), ' to ', code(shortValue(r.newName))),
        hasActor: true,
      };
    }
    if (r.valueData !== undefined) {
      return {
        action: rich('set registry value ', code(shortValue(registryPath(r))), ' to ', code(shortValue(r.valueData))),
        hasActor: true,
      };
    }
    return { action: rich('created registry key ', code(shortValue(registryPath(r)))), hasActor: true };
  }
  if (a.file !== undefined) {
    const verb = /delete/i.test(a.eventType)
      ? 'deleted'
      : /stream/i.test(a.eventType)
        ? 'wrote a stream of'
        : 'created';
    return { action: rich(`${verb} file `, code(shortValue(a.file.path))), hasActor: true };
  }
  if (a.module !== undefined) return { action: rich('loaded ', code(shortValue(a.module.path))), hasActor: true };
  if (a.network !== undefined) {
    const n = a.network;
    const addr = n.dstIp ?? n.dstHostname;
    const dest = addr !== undefined ? defangValue(addr, iocs) : 'an unrecorded destination';
    const port = n.dstPort !== undefined ? `:${n.dstPort}` : '';
    // The host name and protocol are the source's text: literal values, never words of the sentence.
    const name =
      n.dstHostname !== undefined && n.dstIp !== undefined
        ? rich(' (', code(defangValue(n.dstHostname, iocs)), ')')
        : [];
    const verb = n.direction === 'inbound' ? 'accepted a connection from ' : 'connected to ';
    const proto = n.protocol !== undefined ? rich(' over ', code(shortValue(n.protocol))) : [];
    return { action: rich(verb, code(`${dest}${port}`), name, proto), hasActor: true };
  }
  if (a.dns !== undefined) {
    const results = (a.dns.results ?? []).map((r) => defangValue(unmapIpv4(r), iocs));
    const tail = results.length > 0 ? rich(' → ', code(shortValue(results.join(', ')))) : [];
    return { action: rich('resolved ', code(defangValue(a.dns.query, iocs)), tail), hasActor: true };
  }
  if (a.target !== undefined) {
    const target = a.target.image !== undefined ? code(shortValue(baseName(a.target.image))) : prose('another process');
    const pid = a.target.pid !== undefined ? ` (PID ${a.target.pid})` : '';
    if (a.eventType === 'create_remote_thread')
      return { action: rich('created a remote thread in ', target, pid), hasActor: true };
    const access =
      a.target.grantedAccess !== undefined ? rich(' with access ', code(shortValue(a.target.grantedAccess))) : [];
    return { action: rich('opened ', target, pid, access), hasActor: true };
  }
  if (a.task !== undefined) {
    const action = a.task.action !== undefined ? rich(' running ', code(shortValue(a.task.action))) : [];
    return { action: rich('registered scheduled task ', code(shortValue(a.task.name)), action), hasActor: true };
  }
  if (a.service !== undefined) {
    const path = a.service.path !== undefined ? rich(' for ', code(shortValue(a.service.path))) : [];
    return { action: rich('installed service ', code(shortValue(a.service.name)), path), hasActor: true };
  }
  if (a.wmi !== undefined) {
    const w = a.wmi;
    const what = w.consumer ?? w.filter ?? w.name ?? w.query;
    return {
      action: rich(
        'WMI ',
        w.operation !== undefined ? rich(code(shortValue(w.operation).toLowerCase()), ' ') : '',
        'activity',
        what ? rich(' ', code(shortValue(what))) : [],
      ),
      hasActor: true,
    };
  }
  const label = a.title ?? a.rule?.name ?? eventName(a);
  return { action: rich('raised detection ', code(shortValue(label))), hasActor: a.process !== undefined };
}

/**
 * The timeline line of an alert: actor + action, or the event name + action when no actor is known. A process start
 * names its account unless `withUser` is false (the incident has one account, which the header names).
 */
export function describeLine(a: EnrichedAlert, withUser = true): Rich {
  const d = describeAction(a);
  if (a.eventType === 'process_create' && a.process !== undefined) {
    const who = a.process.parent !== undefined ? rich(actor(a.process.parent), ' started ') : 'Process started: ';
    const image = knownImage(a.process.image);
    const user = a.process.user ?? (a.user !== undefined ? a.user.name : undefined);
    return rich(
      who,
      code(image !== undefined ? shortValue(baseName(image)) : 'an unnamed program'),
      a.process.pid !== undefined ? ` (PID ${a.process.pid})` : '',
      withUser && user !== undefined ? rich(' as ', code(shortValue(user))) : [],
    );
  }
  if (d.hasActor) return rich(actor(a.process), ' ', d.action);
  return rich(eventNameSpan(a), ': ', d.action);
}
