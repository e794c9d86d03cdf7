// Builds what the restore templates render (the confirmation with its checks, why there is none, the job's
// progress), so the controller stays one line per route.
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../clock/clock';
import type { FieldErrors } from '../../forms/form-validation';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';
import { formatDuration } from '../time/duration.format';
import { formatStamp } from '../time/panel-time.format';
import { RestoreError, RestoreJob, RestoreService, RestoreTarget } from './restore.service';

/** While the safety snapshot is made, the progress page reloads itself (no script needed). */
const REFRESH_SECONDS = 3;

export interface ConfirmFormState {
  errors?: FieldErrors;
  values?: Record<string, unknown>;
  problem?: string;
}

@Injectable()
export class RestorePagesService {
  constructor(
    private readonly restore: RestoreService,
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The confirmation: what is replaced, every check, and the form that asks for the server's name. */
  confirmPage(target: RestoreTarget, form: ConfirmFormState = {}): Record<string, unknown> {
    const { server, image, blocker, checks, estimateMinutes } = target;
    const created = new Date(image.created);
    return {
      layout: this.options.layout,
      title: 'Restore from snapshot',
      basePath: this.path('/snapshots'),
      actionHref: this.path(`/snapshots/${image.id}/restore`),
      imageId: image.id,
      server: { id: server.id, name: server.name },
      confirmHint: `Type ${server.name} exactly, as a last look at which server this is.`,
      snapshot: {
        id: image.id,
        description: image.description,
        createdAt: formatStamp(created, this.options.timeZone),
        age: `${formatDuration(Math.max(0, this.clock.now().getTime() - created.getTime()))} ago`,
        sizeText:
          image.image_size === null
            ? 'not known yet'
            : `${image.image_size.toFixed(1)} GB (disk ${image.disk_size} GB)`,
      },
      blocker: blocker?.message ?? null,
      checks: checks.map((c) => ({ ...c, mark: c.ok ? 'OK' : 'FAIL' })),
      estimateText: `A rebuild of this size likely takes about ${estimateMinutes} minute${estimateMinutes === 1 ? '' : 's'}${image.image_size === null ? '' : ` (${image.image_size.toFixed(1)} GB)`}.`,
      problem: form.problem ?? null,
      errors: form.errors,
      values: form.values,
      skipChecked: form.values?.skipSafetySnapshot === '1',
    };
  }

  /** The server or the snapshot could not be read: why, in words. */
  unavailablePage(err: RestoreError, imageId: number): Record<string, unknown> {
    return {
      layout: this.options.layout,
      title: 'Restore from snapshot',
      basePath: this.path('/snapshots'),
      problem: err.message,
      imageId,
    };
  }

  /** The job's progress; Hetzner's root password is shown on the first view that has it, never again. */
  progressPage(job: RestoreJob, imageId: number): Record<string, unknown> {
    const active = isRunningFor(job, imageId) || job.phase === 'started';
    const rootPassword =
      job.phase === 'finished' || job.phase === 'started' ? this.restore.takeRootPassword() : null;
    return {
      layout: this.options.layout,
      title: 'Restore from snapshot',
      refreshSeconds: active ? REFRESH_SECONDS : undefined,
      basePath: this.path('/snapshots'),
      restoreHref: this.path(`/snapshots/${imageId}/restore`),
      job,
      phase: {
        safety: job.phase === 'safety-snapshot',
        rebuilding: job.phase === 'rebuilding',
        started: job.phase === 'started',
        finished: job.phase === 'finished',
        rebuilt: job.phase === 'started' || job.phase === 'finished',
        failed: job.phase === 'failed',
      },
      rootPassword,
      startedText: formatStamp(job.startedAt, this.options.timeZone),
    };
  }

  path(p: string): string {
    return pagePath(this.options.routePrefix, p);
  }
}

/** A safety snapshot or a rebuild of this snapshot is under way (a started rebuild may still be followed). */
export function isRunningFor(job: RestoreJob | null, imageId: number): boolean {
  return (
    job !== null && job.imageId === imageId && (job.phase === 'safety-snapshot' || job.phase === 'rebuilding')
  );
}
