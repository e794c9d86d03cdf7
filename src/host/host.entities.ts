import { Admin } from './auth/admin.entity';
import { LoginThrottle } from './auth/login-throttle.entity';
import { Session } from './auth/session.entity';
import { AdminAddress, HostAuditEntry, PendingSignIn, RecoveryCode } from './auth/two-factor.entities';
import { HostState } from './host-state.entity';

export const hostEntities = [
  Admin,
  Session,
  LoginThrottle,
  HostState,
  RecoveryCode,
  PendingSignIn,
  AdminAddress,
  HostAuditEntry,
];
