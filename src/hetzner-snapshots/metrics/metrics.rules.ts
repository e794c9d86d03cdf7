// Pure helpers of the metrics: which class of Hetzner endpoint a request path belongs to (a bounded label,
// never an id), and whether a scrape's Authorization header carries the metrics token (constant time).
import * as crypto from 'node:crypto';

export type EndpointClass =
  'create_image' | 'server_actions' | 'servers' | 'images' | 'actions' | 'pricing' | 'other';

/** "/servers/42/actions/create_image?x" → create_image; "/images?page=2" → images; ids never become labels. */
export function endpointClass(path: string): EndpointClass {
  const p = path.split('?')[0].replace(/\/+$/, '');
  if (/^\/servers\/\d+\/actions\/create_image$/.test(p)) return 'create_image';
  if (/^\/servers\/\d+\/actions(\/|$)/.test(p)) return 'server_actions';
  if (/^\/servers(\/\d+)?$/.test(p)) return 'servers';
  if (/^\/images(\/\d+)?(\/actions(\/.*)?)?$/.test(p)) return 'images';
  if (/^\/actions(\/\d+)?$/.test(p)) return 'actions';
  if (p === '/pricing') return 'pricing';
  return 'other';
}

/** "2xx", "4xx", "5xx", or "network-error" / "timeout". */
export function statusClass(status: number | 'network-error' | 'timeout'): string {
  return typeof status === 'number' ? `${Math.floor(status / 100)}xx` : status;
}

/** True only for exactly "Bearer <token>"; the comparison takes the same time whatever the guess. */
export function isMetricsBearer(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return false;
  const given = crypto.createHash('sha256').update(match[1]).digest();
  const expected = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(given, expected);
}
