// Health endpoints of the standalone panel (/healthz, /readyz): host-level, public, JSON only.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HostState } from '../host-state.entity';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

@Module({
  // The plugin's run repository (cycle_runs) and its settings store come from its global core module.
  imports: [TypeOrmModule.forFeature([HostState])],
  controllers: [HealthController],
  providers: [HealthService],
})
export class HealthModule {}
