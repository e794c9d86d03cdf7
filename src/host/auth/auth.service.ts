// Owns admins and their sessions: creating an admin (CLI or one-time setup page), signing in with
// throttling and an optional second step (TOTP), server-side sessions (only a hash of the cookie is stored)
// with an idle timeout and an absolute cap, and ending them on logout, a password change or removal.
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import * as crypto from 'node:crypto';
import { DataSource, LessThan, Repository } from 'typeorm';
import { CLOCK, Clock } from '../../clock/clock';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { HostState } from '../host-state.entity';
import { Admin } from './admin.entity';
import { AuthError } from './auth.error';
import { atomically, sqliteTime } from './atomic-sqlite';
import { HostAuditStore } from './host-audit.store';
import { ActiveLock, LoginThrottleStore } from './login-throttle.store';
import { describeWait } from './login-throttle.policy';
import { signInLocksOf, throttleKeys } from './throttle-keys';
import { assertPasswordStrength, newAdminName } from './credentials.rules';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.hasher';
import { Session } from './session.entity';
import { TwoFactorService } from './two-factor.service';
import { PendingSignIn } from './two-factor.entities';

export { AuthError } from './auth.error';
export type { AuthErrorCode } from './auth.error';

const SETUP_CODE_KEY = 'setup-code-hash';
/** How long the code step waits after a right password. */
export const PENDING_SIGN_IN_MS = 5 * 60_000;

export interface SignedIn {
  kind: 'session';
  admin: Admin;
  cookieValue: string;
  /** When the cookie must be gone at the latest: the absolute cap (the idle timeout is checked here). */
  expiresAt: Date;
}

export interface SecondFactorNeeded {
  kind: 'second-factor';
  pendingCookie: string;
  expiresAt: Date;
}

export interface AdminSummary {
  id: number;
  username: string;
  createdAt: Date;
  lastSignInAt: Date | null;
  twoFactor: boolean;
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
    @InjectRepository(PendingSignIn) private readonly pending: Repository<PendingSignIn>,
    @InjectRepository(HostState) private readonly state: Repository<HostState>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly throttles: LoginThrottleStore,
    private readonly twoFactor: TwoFactorService,
    private readonly audit: HostAuditStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

  /**
   * The setup code is claimed (deleted where it matches) and the first admin inserted in one transaction,
   * so of racing requests with the right code exactly one creates an admin. Wrong codes are throttled.
   */
  async completeSetup(input: {
    setupCode: string;
    username: string;
    password: string;
    address: string;
  }): Promise<Admin> {
    if (await this.hasAdmin()) throw new AuthError('setup-done', 'Setup is already done: sign in instead.');
    const name = newAdminName(input.username, input.password);
    const now = this.clock.now();
    const keys = [throttleKeys.setupFrom(input.address)];
    const claim = this.throttles.claim(keys, now);
    if (!claim.allowed) throw new AuthError('throttled', describeWait(claim.waitMs, 'setup attempts'));
    // Hashed before the transaction: it is slow and asynchronous, the transaction is neither.
    const passwordHash = await hashPassword(input.password);
    const given = sha256(input.setupCode.trim().toUpperCase());
    const outcome = atomically(this.dataSource, (db) => {
      if (db.prepare(`SELECT 1 FROM "admins" LIMIT 1`).get()) return 'setup-done' as const;
      const claimed = db
        .prepare(`DELETE FROM "host_state" WHERE "key" = ? AND "value" = ?`)
        .run(SETUP_CODE_KEY, given).changes;
      if (claimed !== 1) return 'bad-setup-code' as const;
      const at = sqliteTime(now);
      db.prepare(
        `INSERT INTO "admins" ("username", "password_hash", "created_at", "password_changed_at") VALUES (?, ?, ?, ?)`,
      ).run(name, passwordHash, at, at);
      return 'created' as const;
    });
    if (outcome === 'setup-done')
      throw new AuthError('setup-done', 'Setup is already done: sign in instead.');
    if (outcome === 'bad-setup-code')
      throw new AuthError(
        claim.waitMs > 0 ? 'throttled' : 'bad-setup-code',
        claim.waitMs > 0
          ? describeWait(claim.waitMs, 'setup attempts')
          : 'That setup code is not right. The current code is in the panel log (journalctl -u snapshot-panel).',
      );
    this.throttles.succeeded({ reset: keys, giveBack: [] });
    this.lastSetupCode = null;
    this.logger.log(`admin "${name}" created`);
    return this.admins.findOneByOrFail({ username: name });
  }

  async createAdmin(username: string, password: string): Promise<Admin> {
    const name = newAdminName(username, password);
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

  async findAdmin(username: string): Promise<Admin> {
    const admin = await this.admins.findOneBy({ username: username.trim() });
    if (!admin) throw new AuthError('no-such-admin', `There is no admin named "${username.trim()}".`);
    return admin;
  }

  /** The console's way back in: a new password, every session ended, every sign-in lock lifted. */
  async resetPassword(username: string, password: string): Promise<{ locksCleared: number }> {
    const admin = await this.findAdmin(username);
    await this.setPassword(admin, password);
    const locksCleared = this.throttles.clear(signInLocksOf(admin));
    return { locksCleared };
  }

  async changePassword(adminId: number, currentPassword: string, newPassword: string): Promise<void> {
    const admin = await this.admins.findOneByOrFail({ id: adminId });
    await this.checkCurrentPassword(admin, currentPassword);
    await this.setPassword(admin, newPassword);
  }

  /** The account page's "current password" check, throttled per admin like sign-in. */
  async checkCurrentPassword(admin: Admin, password: string): Promise<void> {
    const keys = [throttleKeys.passwordCheck(admin.id)];
    const claim = this.throttles.claim(keys, this.clock.now());
    if (!claim.allowed) throw new AuthError('throttled', describeWait(claim.waitMs, 'password checks'));
    if (await verifyPassword(password, admin.passwordHash)) {
      this.throttles.succeeded({ reset: keys, giveBack: [] });
      return;
    }
    this.logger.warn(`wrong current password given on the account page of "${admin.username}"`);
    if (claim.waitMs > 0) throw new AuthError('throttled', describeWait(claim.waitMs, 'password checks'));
    throw new AuthError('invalid-credentials', 'The current password is not right.');
  }

  private async setPassword(admin: Admin, password: string): Promise<void> {
    assertPasswordStrength(password);
    admin.passwordHash = await hashPassword(password);
    admin.passwordChangedAt = this.clock.now();
    await this.admins.save(admin);
    // A new password ends every session, including one an attacker may hold.
    await this.sessions.delete({ adminId: admin.id });
    await this.pending.delete({ adminId: admin.id });
    this.logger.log(`password of admin "${admin.username}" changed; all its sessions ended`);
  }

  /**
   * Password first. The attempt is claimed on the username-at-this-address and on the address before the
   * hash runs, so parallel guesses count one each; a stranger elsewhere cannot lock the owner out.
   * With two-factor on, a right password only opens the code step (bound to this browser's pre-session).
   */
  async signIn(input: {
    username: string;
    password: string;
    address: string;
    /** The browser's pre-session cookie value (the CSRF nonce). */
    binding: string;
  }): Promise<SignedIn | SecondFactorNeeded> {
    const now = this.clock.now();
    const keys = [
      throttleKeys.signInAs(input.username, input.address),
      throttleKeys.signInFrom(input.address),
    ];
    const claim = this.throttles.claim(keys, now);
    if (!claim.allowed) throw new AuthError('throttled', describeWait(claim.waitMs));

    const admin = await this.admins.findOneBy({ username: input.username.trim() });
    const ok = await verifyPassword(input.password, admin?.passwordHash ?? (await dummyPasswordHash()));
    if (!admin || !ok) {
      // Only a real admin's name is logged: people paste passwords and tokens into the username field.
      this.logger.warn(
        `failed sign-in ${admin ? `for "${admin.username}"` : 'for an unknown username'} from ${input.address}`,
      );
      throw new AuthError(
        claim.waitMs > 0 ? 'throttled' : 'invalid-credentials',
        claim.waitMs > 0 ? describeWait(claim.waitMs) : 'Wrong username or password.',
      );
    }
    this.throttles.succeeded({ reset: [keys[0]], giveBack: [keys[1]] });
    if (admin.totpSecret) {
      const pendingCookie = crypto.randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + PENDING_SIGN_IN_MS);
      await this.pending.delete({ expiresAt: LessThan(now) });
      await this.pending.save({
        tokenHash: sha256(pendingCookie),
        adminId: admin.id,
        bindingHash: sha256(input.binding),
        address: input.address,
        expiresAt,
      });
      this.logger.log(
        `admin "${admin.username}" gave the right password from ${input.address}; code step next`,
      );
      return { kind: 'second-factor', pendingCookie, expiresAt };
    }
    return this.startSession(admin, input.address);
  }

  /** The half-signed-in state behind a cookie, only in the browser it was made for; null otherwise. */
  async pendingSignIn(
    pendingCookie: string | undefined,
    binding: string | undefined,
  ): Promise<{ pending: PendingSignIn; admin: Admin } | null> {
    if (!pendingCookie || !binding || pendingCookie.length > 100) return null;
    const pending = await this.pending.findOneBy({ tokenHash: sha256(pendingCookie) });
    if (!pending) return null;
    if (
      pending.expiresAt.getTime() <= this.clock.now().getTime() ||
      pending.bindingHash !== sha256(binding)
    ) {
      return null;
    }
    const admin = await this.admins.findOneBy({ id: pending.adminId });
    return admin?.totpSecret ? { pending, admin } : null;
  }

  /** The code step: a TOTP code (never one already used) or a recovery code turns the state into a session. */
  async completeSecondFactor(input: {
    pendingCookie: string | undefined;
    binding: string | undefined;
    code: string;
    address: string;
  }): Promise<SignedIn> {
    const found = await this.pendingSignIn(input.pendingCookie, input.binding);
    if (!found)
      throw new AuthError('pending-expired', 'That sign-in has expired. Enter your password again.');
    const { admin, pending } = found;
    await this.twoFactor.verifySignInCode(admin, input.code);
    await this.pending.delete({ tokenHash: pending.tokenHash });
    return this.startSession(admin, input.address);
  }

  private async startSession(admin: Admin, address: string): Promise<SignedIn> {
    const now = this.clock.now();
    const cookieValue = crypto.randomBytes(32).toString('base64url');
    await this.sessions.save({
      tokenHash: sha256(cookieValue),
      adminId: admin.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: this.sessionExpiry(now, now),
    });
    await this.sessions.delete({ expiresAt: LessThan(now) });
    await this.admins.update({ id: admin.id }, { lastSignInAt: now });
    if (this.audit.seenAddress(admin.id, address, now))
      await this.audit.record(`admin:${admin.username}`, 'sign-in.new-address', `signed in from ${address}`);
    this.logger.log(`admin "${admin.username}" signed in from ${address}`);
    return {
      kind: 'session',
      admin,
      cookieValue,
      expiresAt: new Date(now.getTime() + this.config.sessionMaxMs),
    };
  }

  /** Idle timeout from the last request, never past the absolute cap from sign-in. */
  private sessionExpiry(createdAt: Date, lastSeenAt: Date): Date {
    return new Date(
      Math.min(
        lastSeenAt.getTime() + this.config.sessionIdleMs,
        createdAt.getTime() + this.config.sessionMaxMs,
      ),
    );
  }

  /** The admin behind a session cookie, extending the idle timeout; null when absent, unknown or expired. */
  async resolveSession(cookieValue: string | undefined): Promise<{ admin: Admin; session: Session } | null> {
    if (!cookieValue || cookieValue.length > 100) return null;
    const session = await this.sessions.findOneBy({ tokenHash: sha256(cookieValue) });
    const now = this.clock.now();
    if (!session) return null;
    if (
      session.expiresAt.getTime() <= now.getTime() ||
      now.getTime() - session.createdAt.getTime() > this.config.sessionMaxMs
    ) {
      await this.sessions.delete({ tokenHash: session.tokenHash });
      return null;
    }
    const admin = await this.admins.findOneBy({ id: session.adminId });
    if (!admin) return null;
    // Writing on every request would serialise page views on SQLite; once a minute is enough.
    if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
      session.lastSeenAt = now;
      session.expiresAt = this.sessionExpiry(session.createdAt, now);
      await this.sessions.save(session);
    }
    return { admin, session };
  }

  async signOut(cookieValue: string | undefined): Promise<void> {
    if (cookieValue) await this.sessions.delete({ tokenHash: sha256(cookieValue) });
  }

  async listAdmins(): Promise<AdminSummary[]> {
    const all = await this.admins.find({ order: { username: 'ASC' } });
    return all.map((a) => ({
      id: a.id,
      username: a.username,
      createdAt: a.createdAt,
      lastSignInAt: a.lastSignInAt,
      twoFactor: a.totpSecret !== null,
    }));
  }

  /** Removes an admin and with it their sessions; never the last one (nobody could sign in any more). */
  async removeAdmin(username: string, actor: string): Promise<void> {
    const admin = await this.findAdmin(username);
    const outcome = atomically(this.dataSource, (db) => {
      const { n } = db.prepare(`SELECT count(*) AS n FROM "admins"`).get() as { n: number };
      if (n <= 1) return 'last' as const;
      db.prepare(`DELETE FROM "sessions" WHERE "admin_id" = ?`).run(admin.id);
      db.prepare(`DELETE FROM "admins" WHERE "id" = ?`).run(admin.id);
      return 'removed' as const;
    });
    if (outcome === 'last')
      throw new AuthError(
        'last-admin',
        `"${admin.username}" is the only admin: create another one first (snapshot-panel admin create), or nobody can sign in.`,
      );
    await this.audit.record(
      actor,
      'admin.removed',
      `admin "${admin.username}" removed; their sessions ended`,
    );
  }

  /** Keys that refuse sign-ins right now, for `doctor`. */
  activeLocks(): ActiveLock[] {
    return this.throttles.activeLocks(this.clock.now());
  }
}
