// The project's limits: the sentence for a limit error (hcloud-api.error), what was learned from the last one
// (LimitStore, table project_limits) and the warning before the next.
import { Module } from '@nestjs/common';
import { LimitStore } from './limit.store';

@Module({ providers: [LimitStore], exports: [LimitStore] })
export class LimitsModule {}
