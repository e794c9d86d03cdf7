import { AuditEntry } from './audit/audit-entry.entity';
import { ApiBudget, ApiUsageMinute } from './connection/api-usage.entity';
import { Lease } from './lease/lease.entity';
import { notificationEntities } from './notifications/notification.entities';
import { CycleRun } from './cycle/cycle-run.entity';
import { PanelSettings } from './settings/panel-settings.entity';
import { ServerState } from './server-state/server-state.entity';
import { SnapshotListCache } from './snapshot-list/snapshot-list-cache.entity';
import { DrillRun, DrillSettings } from './verify/drill-run.entity';
import { ProjectLimit } from './limits/project-limit.entity';

/** The plugin's entities; a host registers them with its data source together with the migrations. */
export const hetznerSnapshotsEntities = [
  PanelSettings,
  AuditEntry,
  SnapshotListCache,
  CycleRun,
  Lease,
  ServerState,
  ApiUsageMinute,
  ApiBudget,
  ...notificationEntities,
  DrillRun,
  DrillSettings,
  ProjectLimit,
];
