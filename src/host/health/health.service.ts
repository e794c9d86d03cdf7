// Owns the answers for monitors: /healthz (the process is up and can write its database) and /readyz (the
// snapshot scheduler runs and its last cycle did not fail), and whether a caller may see /readyz's details.
// It asks the plugin's exported settings store and reads its run table; nothing it returns may contain a
// secret or a file path.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import * as crypto from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { CLOCK, Clock } from '../../clock/clock';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { registerSecret } from '../../logging/line.logger';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
} from '../../hetzner-snapshots/hetzner-snapshots.options';
import { CycleRun } from '../../hetzner-snapshots/scheduler/cycle-run.entity';
import { PanelSettingsStore } from '../../hetzner-snapshots/settings/panel-settings.store';
import { HostState } from '../host-state.entity';
import { judgeReadiness, Readiness } from './readiness';

export interface Liveness {
  status: 'ok' | 'error';
  checks: {
    process: { status: 'ok'; uptimeSeconds: number };
    database: { status: 'ok' | 'error'; message?: string };
  };
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest();

/** The host_state row /healthz rewrites: a real committed write, since a rolled-back one proves nothing on disk. */
export const HEALTH_PROBE_KEY = 'health.last-write';

@Injectable()
export class HealthService {
  private readonly logger = new Logger('Health');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(CycleRun) private readonly runs: Repository<CycleRun>,
    private readonly settings: PanelSettingsStore,
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    registerSecret(config.healthToken);
    this.healthTokenDigest = config.healthToken ? sha256(config.healthToken) : null;
  }

  private readonly healthTokenDigest: Buffer | null;

  /** Whether an Authorization header carries HEALTH_TOKEN; digests keep the comparison constant-time. */
  isMonitorToken(authorization: string | undefined): boolean {
    if (!this.healthTokenDigest || !authorization) return false;
    const match = /^Bearer (\S{1,512})$/i.exec(authorization.trim());
    return match !== null && crypto.timingSafeEqual(sha256(match[1]), this.healthTokenDigest);
  }

  async liveness(): Promise<Liveness> {
    const processCheck = { status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) };
    try {
      const now = this.clock.now();
      await this.db.transaction(async (m) => {
        await m
          .getRepository(HostState)
          .upsert({ key: HEALTH_PROBE_KEY, value: now.toISOString(), updatedAt: now }, ['key']);
      });
      return { status: 'ok', checks: { process: processCheck, database: { status: 'ok' } } };
    } catch (err) {
      // The details (paths, SQLite codes) go to the log for the admin, not to whoever asks the endpoint.
      this.logger.error(`database write check failed: ${(err as Error).message}`);
      return {
        status: 'error',
        checks: {
          process: processCheck,
          database: { status: 'error', message: 'the database could not be written' },
        },
      };
    }
  }

  async readiness(): Promise<Readiness> {
    const settings = await this.settings.read().catch(() => null);
    const last = await this.runs.findOne({ where: {}, order: { startedAt: 'DESC', id: 'DESC' } });
    const activeCronJobs = [...this.scheduler.getCronJobs().values()].filter((job) => job.isActive).length;
    return judgeReadiness({
      schedulerRole: this.options.runScheduler,
      activeCronJobs,
      tokenConfigured: Boolean(this.options.hcloud.envToken || settings?.hasToken),
      scheduleEnabled: Boolean(settings?.scheduleEnabled),
      lastCycle: last
        ? {
            id: last.id,
            status: last.status,
            startedAt: last.startedAt,
            finishedAt: last.finishedAt,
            errorCode: last.errorCode,
          }
        : null,
    });
  }
}
