// The plugin's peers: what it needs the host to have imported once for the whole application (timers and
// events), and the clock it runs on. They are looked up here, optionally, so a host that forgot one gets an
// error naming the import to add instead of Nest's "can't resolve dependencies of SettingsService".
import { Inject, Injectable, Module, Optional, Provider } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CLOCK, Clock, systemClock } from '../clock/clock';

export type HetznerSnapshotsPeer = 'ScheduleModule' | 'EventEmitterModule';

export class HetznerSnapshotsPeerMissingError extends Error {
  constructor(readonly peer: HetznerSnapshotsPeer) {
    super(
      peer === 'ScheduleModule'
        ? "HetznerSnapshotsModule needs ScheduleModule.forRoot() from @nestjs/schedule in the host application's imports: its snapshot schedule is a cron job in SchedulerRegistry."
        : "HetznerSnapshotsModule needs EventEmitterModule.forRoot() from @nestjs/event-emitter in the host application's imports: saving the settings emits the event that reschedules snapshots.",
    );
    this.name = 'HetznerSnapshotsPeerMissingError';
  }
}

/** The host's clock (CLOCK) if it provides one, else the system clock; the peers that have no default. */
@Injectable()
export class HetznerSnapshotsPeers {
  readonly clock: Clock;
  readonly scheduler: SchedulerRegistry;
  readonly events: EventEmitter2;

  constructor(
    @Optional() @Inject(CLOCK) clock?: Clock,
    @Optional() scheduler?: SchedulerRegistry,
    @Optional() events?: EventEmitter2,
  ) {
    if (!scheduler) throw new HetznerSnapshotsPeerMissingError('ScheduleModule');
    if (!events) throw new HetznerSnapshotsPeerMissingError('EventEmitterModule');
    this.clock = clock ?? systemClock;
    this.scheduler = scheduler;
    this.events = events;
  }
}

/** Kept apart from the core module, which re-provides CLOCK and the peers: here they resolve from the host. */
@Module({ providers: [HetznerSnapshotsPeers], exports: [HetznerSnapshotsPeers] })
export class HetznerSnapshotsPeersModule {}

/** The core module's providers for the peers' tokens, so every plugin service gets them through the check. */
export const peerProviders: Provider[] = [
  { provide: CLOCK, useFactory: (p: HetznerSnapshotsPeers) => p.clock, inject: [HetznerSnapshotsPeers] },
  {
    provide: SchedulerRegistry,
    useFactory: (p: HetznerSnapshotsPeers) => p.scheduler,
    inject: [HetznerSnapshotsPeers],
  },
  {
    provide: EventEmitter2,
    useFactory: (p: HetznerSnapshotsPeers) => p.events,
    inject: [HetznerSnapshotsPeers],
  },
];
