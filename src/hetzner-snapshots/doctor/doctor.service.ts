// Owns `snapshot-panel doctor`: gathers the facts a person would check by hand when the panel misbehaves
// (which server, which token, the clock, file permissions, the schedule, the newest snapshot, the API
// budget, the cost) with one Hetzner client, and hands each to a pure judge in doctor.checks.ts.
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as fs from 'node:fs';
import { Not, Repository } from 'typeorm';
import { CLOCK, Clock } from '../../clock/clock';
import { ApiUsageStore } from '../connection/api-usage.store';
import { HetznerConnectionService } from '../connection/hetzner-connection.service';
import { listSnapshotsOfServer } from '../labels/server-snapshots.listing';
import { ServerStateStore } from '../server-state/server-state.store';
import { describeHcloudError, HcloudClient, HcloudImage, TokenCheckResult } from '../hcloud';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { snapshotOrigin } from '../labels/snapshot-labels';
import { spreadOffsetMinutes } from '../schedule/schedule-spread';
import { parseFrequency } from '../schedule/snapshot-schedule';
import { CycleRun } from '../cycle/cycle-run.entity';
import { PanelSettingsStore } from '../settings/panel-settings.store';
import { TokenDecryptionError } from '../connection/token.vault';
import { CoverageService } from '../not-covered/coverage.service';
import { judgeVolumes } from '../not-covered/coverage.rules';
import { judgeDrillServers } from '../verify/drill.doctor';
import { DrillService } from '../verify/drill.service';
import {
  ClockFacts,
  DoctorCheck,
  FileFacts,
  judgeClock,
  judgeFile,
  judgeLastSnapshot,
  judgeRateLimit,
  judgeRetention,
  judgeSchedule,
  judgeServer,
  judgeSnapshots,
  judgeToken,
  judgeTokenAge,
  ServerFacts,
  SnapshotFacts,
  TokenFacts,
} from './doctor.checks';

/** A file or folder of the host the doctor looks at; the host names them (the plugin does not know DATA_DIR). */
export type LocalFileSpec = Omit<FileFacts, 'stat' | 'processUid'>;

@Injectable()
export class DoctorService {
  constructor(
    private readonly connection: HetznerConnectionService,
    private readonly settings: PanelSettingsStore,
    @InjectRepository(CycleRun) private readonly runs: Repository<CycleRun>,
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly usage: ApiUsageStore,
    private readonly serverState: ServerStateStore,
    private readonly drills: DrillService,
    private readonly coverage: CoverageService,
  ) {}

  /** Every check in a fixed order; never throws for a problem it can describe as a check. */
  async run(opts: { localFiles?: LocalFileSpec[] } = {}): Promise<DoctorCheck[]> {
    const checks: DoctorCheck[] = [];
    const { facts: serverFacts, serverId } = await this.serverFacts();
    checks.push(judgeServer(serverFacts));

    // A stored token that no longer decrypts (the key changed) is a finding, not a crash.
    let undecryptable: DoctorCheck | null = null;
    let effective: Awaited<ReturnType<HetznerConnectionService['effectiveToken']>> = null;
    try {
      effective = await this.connection.effectiveToken();
    } catch (err) {
      if (!(err instanceof TokenDecryptionError)) throw err;
      undecryptable = {
        name: 'token',
        level: 'FAIL',
        message: err.message,
        hint: 'Restore the old key file or SECRET_KEY, or paste the token again in Settings.',
      };
    }
    let client: HcloudClient | null = null;
    let tokenResult: TokenCheckResult | null = null;
    if (effective) {
      client = await this.connection.client({ token: effective.token });
      if (serverId !== null) tokenResult = await client.checkToken(serverId);
    }
    const tokenFacts: TokenFacts = effective
      ? { present: true, source: effective.source, result: tokenResult }
      : { present: false };
    checks.push(undecryptable ?? judgeToken(tokenFacts, serverId));
    if (effective?.source === 'settings') {
      const stored = (await this.settings.read()).token;
      checks.push(judgeTokenAge({ savedAt: stored?.savedAt ?? null, now: this.clock.now() }));
    }

    checks.push(
      judgeClock(
        client
          ? await this.clockFacts(client)
          : { skipped: 'no API token is set, and Hetzner only answers with a token.' },
      ),
    );
    for (const spec of opts.localFiles ?? []) checks.push(judgeFile(this.fileFacts(spec)));

    const settings = await this.settings.read();
    const now = this.clock.now();
    const offsetMinutes = this.spreadOf(settings.frequency, serverId);
    checks.push(
      judgeSchedule({
        enabled: settings.scheduleEnabled,
        frequency: settings.frequency,
        timeZone: this.options.timeZone,
        now,
        offsetMinutes,
      }),
    );
    checks.push(judgeRetention(settings.retention));

    // Listing needs a token that may at least read this server's project.
    const canRead =
      client !== null &&
      serverId !== null &&
      (tokenResult?.kind === 'read_write' || tokenResult?.kind === 'read_only');
    const images = canRead ? await this.snapshotsOf(client!, serverId!) : null;
    const lastRun = await this.runs.findOne({
      where: { trigger: Not('prune') },
      order: { startedAt: 'DESC', id: 'DESC' },
    });
    if (images && 'list' in images) {
      const autos = images.list.filter(
        (i) => snapshotOrigin(i.labels) === 'auto' && i.status === 'available',
      );
      const newestAuto = autos.reduce<Date | null>((newest, i) => {
        const created = new Date(i.created);
        return !newest || created > newest ? created : newest;
      }, null);
      checks.push(
        judgeLastSnapshot({
          enabled: settings.scheduleEnabled,
          frequency: settings.frequency,
          timeZone: this.options.timeZone,
          now,
          newestAuto,
          settingsUpdatedAt: settings.updatedAt,
          lastRun: lastRun
            ? {
                status: lastRun.status,
                errorCode: lastRun.errorCode,
                errorMessage: lastRun.errorMessage,
                startedAt: lastRun.startedAt,
              }
            : null,
        }),
      );
    } else {
      const why = images ? images.error : 'the token check did not pass, so Hetzner was not asked.';
      checks.push({ name: 'last-snapshot', level: 'WARN', message: `Not checked: ${why}`, hint: null });
    }

    const snapshotFacts: SnapshotFacts =
      images === null
        ? { error: 'the token check did not pass, so Hetzner was not asked.' }
        : 'error' in images
          ? { error: images.error }
          : await this.costFacts(client!, images.list);
    if (canRead) {
      checks.push(
        judgeDrillServers(
          await this.drills
            .leftovers(client!, serverId!)
            .catch((err: unknown) => ({ error: describeHcloudError(err) })),
        ),
      );
      checks.push(
        judgeVolumes(
          await this.coverage
            .facts({ interactive: false, client: client!, serverId: serverId! })
            .catch((err: unknown) => ({ error: describeHcloudError(err) })),
        ),
      );
    }
    // Judged last, after every request of this run, so it shows what is left now.
    const usage = await this.usage.current();
    checks.push(judgeRateLimit(client?.lastRateLimit ?? null, this.clock.now(), usage.spentLastHour));
    checks.push(judgeSnapshots(snapshotFacts));
    return checks;
  }

  private async serverFacts(): Promise<{ facts: ServerFacts; serverId: number | null }> {
    try {
      const identity = await this.connection.server();
      const facts: ServerFacts = identity.metadata
        ? { source: 'metadata', serverId: identity.serverId, hostname: identity.metadata.hostname }
        : { source: 'environment', serverId: identity.serverId };
      return { facts, serverId: identity.serverId };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return { facts: { source: 'none', reason }, serverId: null };
    }
  }

  private async clockFacts(client: HcloudClient): Promise<ClockFacts> {
    try {
      const t = await client.serverTime();
      return { skewMs: t.localMs - t.serverTime.getTime(), roundTripMs: t.roundTripMs };
    } catch (err) {
      return { error: describeHcloudError(err) };
    }
  }

  private fileFacts(spec: LocalFileSpec): FileFacts {
    const processUid = typeof process.getuid === 'function' ? process.getuid() : null;
    if (spec.absentBecause) return { ...spec, stat: null, processUid };
    try {
      const st = fs.statSync(spec.path);
      let writable = true;
      try {
        fs.accessSync(spec.path, fs.constants.W_OK);
      } catch {
        writable = false;
      }
      return {
        ...spec,
        stat: { mode: st.mode, uid: st.uid, isDirectory: st.isDirectory(), writable },
        processUid,
      };
    } catch {
      return { ...spec, stat: null, processUid };
    }
  }

  private async snapshotsOf(
    client: HcloudClient,
    serverId: number,
  ): Promise<{ list: HcloudImage[] } | { error: string }> {
    try {
      const backfilled = await this.serverState.labelsBackfilled(serverId);
      return { list: await listSnapshotsOfServer(client, serverId, { byLabel: backfilled }) };
    } catch (err) {
      return { error: describeHcloudError(err) };
    }
  }

  private async costFacts(client: HcloudClient, list: HcloudImage[]): Promise<SnapshotFacts> {
    const totalGb = list.reduce((sum, i) => sum + (i.image_size ?? 0), 0);
    const autoCount = list.filter((i) => snapshotOrigin(i.labels) === 'auto').length;
    let pricing: { currency: string; grossPerGbMonth: number } | null = null;
    try {
      const p = await client.getPricing();
      const gross = Number(p.image.price_per_gb_month.gross);
      if (Number.isFinite(gross)) pricing = { currency: p.currency, grossPerGbMonth: gross };
    } catch {
      // The count and size still help; the judge says the price list was unavailable.
    }
    return { count: list.length, autoCount, totalGb, pricing };
  }

  /** The scheduler's spread for this frequency; an unreadable one is judged by the schedule check itself. */
  private spreadOf(frequency: string, serverId: number | null): number {
    try {
      const preset = parseFrequency(frequency);
      return spreadOffsetMinutes({ preset, serverId, spreadMinutes: this.options.scheduleSpreadMinutes });
    } catch {
      return 0;
    }
  }
}
