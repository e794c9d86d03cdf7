// The plugin's public entry, `require('snapshot-panel/plugin')`: the module, the contract a host fulfils
// (options, host port, peers, entities and migrations, views and assets) and what it gives back (readiness,
// layout contribution, events). Anything not exported here is the plugin's own; docs/PLUGIN.md explains it.
import * as path from 'node:path';
import { PROJECT_ROOT } from '../project-root';

export { HetznerSnapshotsModule } from './hetzner-snapshots.module';
export type {
  HetznerSnapshotsConfig,
  HetznerSnapshotsExtras,
  HetznerSnapshotsForRootAsyncOptions,
  HetznerSnapshotsForRootOptions,
} from './hetzner-snapshots.module-definition';
export { HETZNER_SNAPSHOTS_LAYOUT, pagePath } from './hetzner-snapshots.options';
export type { HetznerSnapshotsModuleOptions } from './hetzner-snapshots.options';

// The host port
export { actorOf, HETZNER_SNAPSHOTS_PUBLIC_ROUTE, PluginPublicRoute } from './hetzner-snapshots.host-port';
export type { HetznerSnapshotsFlash, HetznerSnapshotsHostPort } from './hetzner-snapshots.host-port';

// Peers: CLOCK is optional (the system clock otherwise); the schedule and event modules are not.
export { CLOCK, systemClock } from '../clock/clock';
export type { Clock } from '../clock/clock';
export { HetznerSnapshotsPeerMissingError } from './hetzner-snapshots.peers';
export type { HetznerSnapshotsPeer } from './hetzner-snapshots.peers';

// The host's data source registers these (synchronize stays off: the migrations are the schema).
export { hetznerSnapshotsEntities } from './hetzner-snapshots.entities';
export { hetznerSnapshotsMigrations } from '../../migrations/hetzner-snapshots';

// What the plugin gives its host
export { HetznerSnapshotsReadiness } from './hetzner-snapshots.readiness';
export type { HetznerSnapshotsReadinessFacts } from './hetzner-snapshots.readiness';
export type {
  HetznerSnapshotsBanner,
  HetznerSnapshotsLayoutContribution,
  HetznerSnapshotsNavItem,
} from './status/layout-contribution';
export { SETTINGS_CHANGED_EVENT } from './settings/settings.events';
export type { SettingsChangedEvent } from './settings/settings.events';

// Views and assets
export { HETZNER_SNAPSHOTS_VIEWS_DIR } from './hetzner-snapshots.views';
/** The stylesheet (css/panel.css) and the list's refresh script (js/panel.js) the plugin's pages use. */
export const HETZNER_SNAPSHOTS_PUBLIC_DIR = path.join(PROJECT_ROOT, 'public');
