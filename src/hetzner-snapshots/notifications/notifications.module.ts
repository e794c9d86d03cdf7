// Notifications: channels (e-mail over SMTP; webhooks as generic signed JSON, Slack, Discord, ntfy) an admin
// sets up in Settings → Notifications, the problems worth a message (notification.rules), the delivery queue
// with retries, the watchdog, and the notification history. It listens to the scheduler's events; nothing
// in the scheduler waits on it.
import { Inject, Module, OnModuleInit } from '@nestjs/common';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';
import { HistorySections } from '../cycle/history-sections';
import { NotificationChannelsService } from './notification-channels.service';
import { NotificationWatchdog } from './notification-watchdog.service';
import { NotificationSenders } from './notification.senders';
import { NotificationService } from './notification.service';
import { NotificationStore } from './notification.store';
import { NotificationsController } from './notifications.controller';
import { NotificationHistoryPresenter } from './notifications.presenter';

@Module({
  // Imports (the core, the scheduler…) are wired in hetzner-snapshots.module.ts.
  controllers: [NotificationsController],
  providers: [
    NotificationStore,
    NotificationSenders,
    NotificationService,
    NotificationChannelsService,
    NotificationHistoryPresenter,
    NotificationWatchdog,
  ],
  exports: [NotificationService, NotificationChannelsService, NotificationStore, NotificationWatchdog],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly sections: HistorySections,
    private readonly history: NotificationHistoryPresenter,
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
  ) {}

  // The history page shows the latest messages and their deliveries next to the cycles.
  onModuleInit(): void {
    const href = pagePath(this.options.routePrefix, '/history/notifications');
    this.sections.add(() => this.history.section(href));
  }
}
