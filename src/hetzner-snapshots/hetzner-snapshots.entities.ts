import { AuditEntry } from './audit/audit-entry.entity';
import { Lease } from './lease/lease.entity';
import { CycleRun } from './scheduler/cycle-run.entity';
import { PanelSettings } from './settings/panel-settings.entity';
import { SnapshotListCache } from './snapshots/snapshot-list-cache.entity';
import { DrillRun, DrillSettings } from './verify/drill-run.entity';
import { ProjectLimit } from './limits/project-limit.entity';

/** The plugin's entities; a host registers them with its data source together with the migrations. */
export const hetznerSnapshotsEntities = [
  PanelSettings,
  AuditEntry,
  SnapshotListCache,
  CycleRun,
  Lease,
  DrillRun,
  DrillSettings,
  ProjectLimit,
];
