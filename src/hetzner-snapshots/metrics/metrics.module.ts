// Prometheus metrics on /metrics (prom-client, a registry of the plugin's own), off until METRICS_TOKEN is
// set. It reads the scheduler's, the snapshot list's and the notifications' stores, and counts this
// process's Hetzner requests through the connection's request observer.
import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Module({
  // Imports (the core, the scheduler…) are wired in hetzner-snapshots.module.ts.
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
