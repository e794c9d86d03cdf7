// Owns admins and their sessions: creating an admin (CLI or one-time setup page), signing in with
// throttling, server-side sessions (only a hash of the cookie is stored), and ending them on logout or a
// password change.
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as crypto from 'node:crypto';
import { LessThan, Repository } from 'typeorm';
import { CLOCK, Clock } from '../../clock/clock';
import { HostState } from '../host-state.entity';
import { Admin } from './admin.entity';
import { LoginThrottle } from './login-throttle.entity';
import { describeWait, recordFailure, waitBeforeAttempt } from './login-throttle.policy';
import {
  dummyPasswordHash,
  hashPassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  verifyPassword,
} from './password.hasher';
import { Session } from './session.entity';
import { USERNAME_MESSAGE, USERNAME_RULE } from './credentials.dto';

export const SESSION_IDLE_MS = 12 * 3600_000;
export const SESSION_MAX_MS = 7 * 24 * 3600_000;
const SETUP_CODE_KEY = 'setup-code-hash';

export class AuthError extends Error {
  constructor(
    readonly code:
      | 'invalid-credentials'
      | 'throttled'
      | 'username-taken'
      | 'no-such-admin'
      | 'weak-password'
      | 'bad-username'
      | 'bad-setup-code'
      | 'setup-done',
    message: string,
  ) {
    super(message);
  }
}

export interface SignedIn {
  admin: Admin;
  cookieValue: string;
  expiresAt: Date;
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');
  /** Set by the server process only: the setup code is printed once, by the process that serves /setup. */
  printSetupCodeOnBootstrap = false;
  private lastSetupCode: string | null = null;

  constructor(
    @InjectRepository(Admin) private readonly admins: Repository<Admin>,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @InjectRepository(LoginThrottle) private readonly throttles: Repository<LoginThrottle>,
    @InjectRepository(HostState) private readonly state: Repository<HostState>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.printSetupCodeOnBootstrap && !(await this.hasAdmin())) {
      const code = await this.issueSetupCode();
      this.logger.warn(
        `No admin exists yet. Open /setup and enter this one-time setup code: ${code}  (or run: snapshot-panel admin create --username NAME)`,
      );
    }
  }

  hasAdmin(): Promise<boolean> {
    return this.admins.exists({});
  }

  /** The code most recently issued by this process (tests and the demo read it; it is also in the log). */
  currentSetupCode(): string | null {
    return this.lastSetupCode;
  }

  async issueSetupCode(): Promise<string> {
    // No 0/O or 1/I: the code is read off a terminal and typed by hand.
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    const raw = Array.from({ length: 12 }, () => alphabet[crypto.randomInt(alphabet.length)]).join('');
    const code = `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
    await this.state.save({ key: SETUP_CODE_KEY, value: sha256(code), updatedAt: this.clock.now() });
    this.lastSetupCode = code;
    return code;
  }

  async completeSetup(input: { setupCode: string; username: string; password: string }): Promise<Admin> {
    if (await this.hasAdmin()) throw new AuthError('setup-done', 'Setup is already done: sign in instead.');
    const stored = await this.state.findOneBy({ key: SETUP_CODE_KEY });
    const given = Buffer.from(sha256(input.setupCode.trim().toUpperCase()));
    if (!stored || !crypto.timingSafeEqual(given, Buffer.from(stored.value))) {
      throw new AuthError(
        'bad-setup-code',
        'That setup code is not right. The current code is in the panel log (journalctl -u snapshot-panel).',
      );
    }
    const admin = await this.createAdmin(input.username, input.password);
    await this.state.delete({ key: SETUP_CODE_KEY });
    this.lastSetupCode = null;
    return admin;
  }

  async createAdmin(username: string, password: string): Promise<Admin> {
    const name = username.trim();
    if (!USERNAME_RULE.test(name))
      throw new AuthError('bad-username', `Invalid username. ${USERNAME_MESSAGE}`);
    this.assertPasswordStrength(password);
    if (await this.admins.existsBy({ username: name }))
      throw new AuthError('username-taken', `An admin named "${name}" already exists.`);
    const now = this.clock.now();
    const admin = await this.admins.save(
      this.admins.create({
        username: name,
        passwordHash: await hashPassword(password),
        createdAt: now,
        passwordChangedAt: now,
      }),
    );
    this.logger.log(`admin "${name}" created`);
    return admin;
  }

  async resetPassword(username: string, password: string): Promise<void> {
    const admin = await this.admins.findOneBy({ username: username.trim() });
    if (!admin) throw new AuthError('no-such-admin', `There is no admin named "${username.trim()}".`);
    await this.setPassword(admin, password);
    await this.throttles.delete({ key: `user:${admin.username.toLowerCase()}` });
  }

  async changePassword(adminId: number, currentPassword: string, newPassword: string): Promise<void> {
    const admin = await this.admins.findOneByOrFail({ id: adminId });
    if (!(await verifyPassword(currentPassword, admin.passwordHash)))
      throw new AuthError('invalid-credentials', 'The current password is not right.');
    await this.setPassword(admin, newPassword);
  }

  private async setPassword(admin: Admin, password: string): Promise<void> {
    this.assertPasswordStrength(password);
    admin.passwordHash = await hashPassword(password);
    admin.passwordChangedAt = this.clock.now();
    await this.admins.save(admin);
    // A new password ends every session, including one an attacker may hold.
    await this.sessions.delete({ adminId: admin.id });
    this.logger.log(`password of admin "${admin.username}" changed; all its sessions ended`);
  }

  private assertPasswordStrength(password: string): void {
    if (password.length < PASSWORD_MIN_LENGTH)
      throw new AuthError(
        'weak-password',
        `The password must have at least ${PASSWORD_MIN_LENGTH} characters.`,
      );
    if (password.length > PASSWORD_MAX_LENGTH)
      throw new AuthError(
        'weak-password',
        `The password must have at most ${PASSWORD_MAX_LENGTH} characters.`,
      );
  }

  async signIn(input: { username: string; password: string; address: string }): Promise<SignedIn> {
    const now = this.clock.now();
    const keys = [`user:${input.username.trim().toLowerCase()}`, `ip:${input.address}`];
    const states = await Promise.all(keys.map((key) => this.throttles.findOneBy({ key })));
    const wait = Math.max(...states.map((s) => waitBeforeAttempt(s, now)));
    if (wait > 0) throw new AuthError('throttled', describeWait(wait));

    const admin = await this.admins.findOneBy({ username: input.username.trim() });
    const ok = await verifyPassword(input.password, admin?.passwordHash ?? (await dummyPasswordHash()));
    if (!admin || !ok) {
      const updated = await Promise.all(
        keys.map(async (key, i) => {
          const next = recordFailure(states[i], now);
          await this.throttles.save({ key, ...next });
          return waitBeforeAttempt(next, now);
        }),
      );
      // Only a real admin's name is logged: people paste passwords and tokens into the username field.
      this.logger.warn(
        `failed sign-in ${admin ? `for "${admin.username}"` : 'for an unknown username'} from ${input.address}`,
      );
      const lockedFor = Math.max(...updated);
      throw new AuthError(
        lockedFor > 0 ? 'throttled' : 'invalid-credentials',
        lockedFor > 0 ? describeWait(lockedFor) : 'Wrong username or password.',
      );
    }
    await this.throttles.delete({ key: keys[0] });
    const cookieValue = crypto.randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
    await this.sessions.save({
      tokenHash: sha256(cookieValue),
      adminId: admin.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    });
    await this.sessions.delete({ expiresAt: LessThan(now) });
    this.logger.log(`admin "${admin.username}" signed in from ${input.address}`);
    return { admin, cookieValue, expiresAt };
  }

  /** The admin behind a session cookie, extending the idle timeout; null when absent, unknown or expired. */
  async resolveSession(cookieValue: string | undefined): Promise<{ admin: Admin; session: Session } | null> {
    if (!cookieValue || cookieValue.length > 100) return null;
    const session = await this.sessions.findOneBy({ tokenHash: sha256(cookieValue) });
    const now = this.clock.now();
    if (!session) return null;
    if (
      session.expiresAt.getTime() <= now.getTime() ||
      now.getTime() - session.createdAt.getTime() > SESSION_MAX_MS
    ) {
      await this.sessions.delete({ tokenHash: session.tokenHash });
      return null;
    }
    const admin = await this.admins.findOneBy({ id: session.adminId });
    if (!admin) return null;
    // Writing on every request would serialise page views on SQLite; once a minute is enough.
    if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
      session.lastSeenAt = now;
      session.expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
      await this.sessions.save(session);
    }
    return { admin, session };
  }

  async signOut(cookieValue: string | undefined): Promise<void> {
    if (cookieValue) await this.sessions.delete({ tokenHash: sha256(cookieValue) });
  }
}
