// Prometheus metrics on /metrics (prom-client, a registry of the plugin's own), off until METRICS_TOKEN is
// set. It reads the scheduler's, the snapshot list's and the notifications' stores, and counts this
// process's Hetzner requests through the connection's request observer.
import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Module({
  imports: [SchedulerModule, SnapshotsModule, NotificationsModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
