// The audit trail of settings changes: one service that records and lists entries; no pages of its own
// (the settings page shows the latest ones).
import { Module } from '@nestjs/common';
import { AuditService } from './audit.service';

@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
