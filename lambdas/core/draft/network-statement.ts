import type { IncidentFacts } from './facts';
import { externalDestinations } from './facts';
import { actor, defangValue } from './display';
import { code, codeList, count, rich } from './text';
import type { Statement } from '../model/report';

/**
 * What the report may say about network activity and data exposure. "No connection was observed" is only said
 * when a source that records connections contributed events, and even then only about those events.
 */

/**
 * @param short For the executive summary: the observation alone, without the hedges the impact section states.
 */
export function networkStatement(f: IncidentFacts, short = false): Statement {
  const ext = externalDestinations(f);
  if (ext.length > 0) {
    const first = ext[0];
    const more = ext.length > 1 ? ` and ${count(ext.length - 1, 'other external destination')}` : '';
    return {
      basis: 'observed',
      text: rich(
        actor(first.proc ?? first.alert.process),
        ' made an outbound connection to ',
        code(first.display),
        first.hostname !== undefined && first.dstIp !== undefined
          ? rich(' (', code(defangValue(first.hostname, f.iocs)), ')')
          : '',
        more,
        short ? '.' : '; the events do not show what was transferred.',
      ),
    };
  }
  if (f.connections.length > 0) {
    return {
      basis: 'observed',
      text: rich(
        'Only connections to internal addresses were observed (',
        codeList(f.connections.slice(0, 3).map((x) => x.display)),
        '); no connection to an external address appears in the collected events.',
      ),
    };
  }
  if (f.networkCapable && short)
    return { basis: 'observed', text: rich('No outbound network connection was observed in the collected events.') };
  if (f.networkCapable) {
    const later = f.persistence.length > 0 ? ', for example once the persistence runs,' : '';
    return {
      basis: 'observed',
      text: rich(
        `No outbound network connection was observed in the collected events; whether one happened outside them${later} remains unknown.`,
      ),
    };
  }
  return {
    basis: 'unknown',
    text: rich('The collected events contain no network telemetry, so whether a connection was made is unknown.'),
  };
}

/** Data exposure, stated as observed or unknown, never as a fact the events cannot carry. */
export function exposureStatement(f: IncidentFacts): Statement {
  const ext = externalDestinations(f);
  if (ext.length > 0) {
    return {
      basis: 'unknown',
      text: rich(
        `Data exposure is unknown: ${f.hostDisplay} connected to `,
        codeList(ext.slice(0, 3).map((x) => x.display)),
        ext.length > 3 ? ` and ${count(ext.length - 3, 'more destination')}` : '',
        ', and the events do not show what was sent.',
      ),
    };
  }
  if (f.networkCapable && f.connections.length === 0) {
    return {
      basis: 'observed',
      text: rich('Data exposure: none observed; unknown beyond the collected events.'),
    };
  }
  if (f.connections.length > 0) {
    return {
      basis: 'observed',
      text: rich(
        'Data exposure: none observed to external addresses in the collected events; what the internal connections carried is unknown.',
      ),
    };
  }
  return {
    basis: 'unknown',
    text: rich('Data exposure is unknown: the collected events contain no network telemetry.'),
  };
}
