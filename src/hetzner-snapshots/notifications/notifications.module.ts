// Notifications: channels (e-mail over SMTP; webhooks as generic signed JSON, Slack, Discord, ntfy) an admin
// sets up in Settings → Notifications, the problems worth a message (notification.rules), the delivery queue
// with retries, the watchdog, and the notification history. It listens to the scheduler's events; nothing
// in the scheduler waits on it.
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { NotificationChannelsService } from './notification-channels.service';
import { NotificationWatchdog } from './notification-watchdog.service';
import { NotificationSenders } from './notification.senders';
import { NotificationService } from './notification.service';
import { NotificationStore } from './notification.store';
import { NotificationsController } from './notifications.controller';
import { NotificationHistoryPresenter } from './notifications.presenter';

@Module({
  imports: [AuditModule, SchedulerModule],
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
export class NotificationsModule {}
