/**
 * One host identity whatever the source calls it: `FIN-WS-034.corp.example.com`, `fin-ws-034`, `CORP\FIN-WS-034`
 * and `FIN-WS-034$` all resolve to `fin-ws-034`. IP literals are kept whole (they have no short name).
 */
export function hostKey(name: string): string {
  let h = name.trim().toLowerCase();
  const slash = h.lastIndexOf('\\');
  if (slash >= 0) h = h.slice(slash + 1); // DOMAIN\HOST
  if (h.endsWith('$')) h = h.slice(0, -1); // machine account
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.includes(':')) return h;
  const dot = h.indexOf('.');
  return dot > 0 ? h.slice(0, dot) : h;
}

/** User identity without its domain, lower case: `CORP\jwilliams`, `jwilliams@corp.example.com` → `jwilliams`. */
export function userKey(name: string): string {
  let u = name.trim().toLowerCase();
  const slash = u.lastIndexOf('\\');
  if (slash >= 0) u = u.slice(slash + 1);
  const at = u.indexOf('@');
  if (at > 0) u = u.slice(0, at);
  return u;
}
