import { Module } from '@nestjs/common';
import { ServerStateStore } from './server-state.store';

/** The per-server state row (label backfill, cached name); import it where that state is read or written. */
@Module({ providers: [ServerStateStore], exports: [ServerStateStore] })
export class ServerStateModule {}
