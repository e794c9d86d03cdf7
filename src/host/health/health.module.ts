// Health endpoints of the standalone panel (/healthz, /readyz): host-level, public, JSON only.
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HostState } from '../host-state.entity';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

@Module({})
export class HealthModule {
  /** `snapshots` is the plugin module the app imports (the same instance): it exports HetznerSnapshotsReadiness. */
  static forRoot(snapshots: DynamicModule): DynamicModule {
    return {
      module: HealthModule,
      imports: [TypeOrmModule.forFeature([HostState]), snapshots],
      controllers: [HealthController],
      providers: [HealthService],
    };
  }
}
