import type { HetznerSnapshotsConfig } from './hetzner-snapshots.module-definition';

/**
 * The plugin's options as its services read them: the host's configuration (`HetznerSnapshotsConfig`,
 * given to forRoot or made by forRootAsync's factory) plus the route prefix fixed when the module is imported.
 */
export interface HetznerSnapshotsModuleOptions extends HetznerSnapshotsConfig {
  /** Route prefix the plugin's pages live under, '' for the root ('/snapshots', '/settings', ...). */
  routePrefix: string;
}

export const HETZNER_SNAPSHOTS_OPTIONS = Symbol('HETZNER_SNAPSHOTS_OPTIONS');

/** Joins the plugin's route prefix and a path: pagePath('', '/snapshots') → '/snapshots'. */
export function pagePath(prefix: string, path: string): string {
  const clean = prefix.replace(/^\/+|\/+$/g, '');
  return clean ? `/${clean}${path}` : path;
}

/** The plugin's LayoutContributor (navigation and warnings on every page), for the host's layout. */
export const HETZNER_SNAPSHOTS_LAYOUT = Symbol('HETZNER_SNAPSHOTS_LAYOUT');
