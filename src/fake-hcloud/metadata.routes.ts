import { findLocation } from './fake-hcloud.catalog';
import { FakeResponse, textResponse } from './fake-hcloud.http';
import { FakeHcloudState } from './fake-hcloud.state';
import { FakeServerRecord } from './fake-hcloud.types';

export const METADATA_PATH = '/hetzner/v1/metadata';

type MetadataField = 'availability-zone' | 'hostname' | 'instance-id' | 'public-ipv4' | 'region';

export function isMetadataPath(path: string): boolean {
  return path === METADATA_PATH || path.startsWith(`${METADATA_PATH}/`);
}

/** The link-local metadata service: no token, no rate limit, plain text and YAML. */
export function answerMetadata(state: FakeHcloudState, method: string, path: string): FakeResponse {
  const server = state.metadataServerId === null ? undefined : state.servers.get(state.metadataServerId);
  if (method !== 'GET' || !server) return notFound();

  const field = path.slice(METADATA_PATH.length).replace(/^\/|\/$/g, '');
  const fields = metadataFields(server);
  if (field === '') return textResponse(200, rootYaml(fields));
  if (field === 'private-networks') return textResponse(200, '[]\n');
  if (Object.prototype.hasOwnProperty.call(fields, field))
    return textResponse(200, fields[field as MetadataField]);
  return notFound();
}

function metadataFields(server: FakeServerRecord): Record<MetadataField, string> {
  const location = findLocation(server.locationName);
  return {
    'availability-zone': location?.availabilityZone ?? `${server.locationName}-dc1`,
    hostname: server.name,
    'instance-id': String(server.id),
    'public-ipv4': server.ipv4 ?? '',
    region: location?.networkZone ?? 'eu-central',
  };
}

function rootYaml(fields: Record<MetadataField, string>): string {
  return Object.entries(fields)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}: ${value}\n`)
    .join('');
}

function notFound(): FakeResponse {
  return textResponse(404, 'not found');
}
