// The cached snapshot list (snapshot_list_cache) as a module of its own, so the snapshots page, the scheduler
// and the settings page share its one store (SnapshotListStore) without importing each other.
import { Module } from '@nestjs/common';
import { SnapshotListStore } from './snapshot-list.store';

@Module({ providers: [SnapshotListStore], exports: [SnapshotListStore] })
export class SnapshotListModule {}
