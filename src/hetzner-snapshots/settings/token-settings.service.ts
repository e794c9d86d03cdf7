// The API token part of the settings: what is in effect (environment or stored), checked against Hetzner before
// it is stored (encrypted, through TokenVault), checked again, removed. SettingsService hands these calls on,
// so the settings page, the CLI and the readiness facts keep asking one service.
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CLOCK, Clock } from '../../clock/clock';
import { validateForm } from '../../forms/form-validation';
import { registerSecret } from '../../logging/line.logger';
import { AuditActor, AuditChange } from '../audit/audit-change';
import {
  HetznerConnectionService,
  NotOnHetznerError,
  NoTokenError,
} from '../connection/hetzner-connection.service';
import { TokenDecryptionError, TokenVault } from '../connection/token.vault';
import { describeHcloudError } from '../hcloud';
import type { HetznerSnapshotsBanner as Banner } from '../status/layout-contribution';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';
import { PanelSettingsStore } from './panel-settings.store';
import { SaveTokenDto } from './save-token.dto';
import { emitSettingsChanged } from './settings.events';
import { describeTokenCheck, lastFour, TokenCheckKind, TokenCheckOutcome } from './token-check.wording';
import { tokenNotices, undecryptableTokenMessage } from './token-health';

/** Stored check results; the others (no server id, no token) say nothing about the stored token. */
const STORED_RESULTS = new Set<TokenCheckKind>([
  'read_write',
  'read_only',
  'unauthorized',
  'wrong_project',
  'unreachable',
]);

export const ENVIRONMENT_TOKEN_MESSAGE =
  'The API token comes from the environment (HCLOUD_TOKEN) and wins over a stored one. To change it, change HCLOUD_TOKEN where the panel is started and restart it.';

export interface TokenStatus {
  source: 'environment' | 'settings' | 'none';
  /** A token is stored but the current key cannot decrypt it (the ciphertext is kept for the old key). */
  undecryptable: boolean;
  last4: string | null;
  savedAt: Date | null;
  checkedAt: Date | null;
  checkResult: string | null;
}

export type SaveTokenResult =
  | { ok: true; replaced: boolean; last4: string; message: string }
  | { ok: false; kind: TokenCheckKind | 'invalid' | 'environment'; message: string };

export interface TokenCheckReport {
  outcome: TokenCheckOutcome;
  ok: boolean;
  message: string;
  source: TokenStatus['source'];
}

export type ClearTokenResult =
  { ok: true; removed: boolean; paused: boolean } | { ok: false; message: string };

@Injectable()
export class TokenSettingsService implements OnApplicationBootstrap {
  // The same context as before the split: the start-up warning reads as the settings' own.
  private readonly logger = new PluginLogger('Settings');

  constructor(
    private readonly settings: PanelSettingsStore,
    private readonly vault: TokenVault,
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly connection: HetznerConnectionService,
    private readonly events: EventEmitter2,
  ) {}

  /** A key generated over a stored ciphertext is said at start, not discovered later. The ciphertext stays. */
  async onApplicationBootstrap(): Promise<void> {
    const status = await this.tokenStatus().catch(() => null);
    if (status?.undecryptable)
      this.logger.warn(
        undecryptableTokenMessage({
          last4: status.last4,
          keyCreated: this.options.tokenEncryptionKeyCreated === true,
        }),
      );
  }

  async tokenStatus(): Promise<TokenStatus> {
    const envToken = this.options.hcloud.envToken;
    if (envToken)
      return {
        source: 'environment',
        undecryptable: false,
        last4: lastFour(envToken),
        savedAt: null,
        checkedAt: null,
        checkResult: null,
      };
    const stored = (await this.settings.read()).token;
    if (!stored)
      return {
        source: 'none',
        undecryptable: false,
        last4: null,
        savedAt: null,
        checkedAt: null,
        checkResult: null,
      };
    return {
      source: 'settings',
      undecryptable: !this.vault.opens(stored.sealed),
      last4: stored.last4,
      savedAt: stored.savedAt,
      checkedAt: stored.checkedAt,
      checkResult: stored.checkResult,
    };
  }

  /** What every page warns about the token: undecryptable, or old enough to replace. Database only. */
  async tokenNotices(): Promise<Banner[]> {
    const status = await this.tokenStatus();
    const href = pagePath(this.options.routePrefix, '/settings#token');
    return tokenNotices({
      ...status,
      now: this.clock.now(),
      keyCreated: this.options.tokenEncryptionKeyCreated === true,
    }).map((n) => ({ ...n, href, linkText: 'Open Settings' }));
  }

  async saveToken(raw: unknown, actor: AuditActor): Promise<SaveTokenResult> {
    const form = validateForm(SaveTokenDto, { token: raw });
    if (!form.ok) return { ok: false, kind: 'invalid', message: form.errors.token ?? 'Paste the API token.' };
    const token = form.value.token;
    registerSecret(token);
    if (this.options.hcloud.envToken)
      return { ok: false, kind: 'environment', message: ENVIRONMENT_TOKEN_MESSAGE };

    const { outcome, serverId } = await this.check(token);
    if (outcome.kind !== 'read_write')
      return {
        ok: false,
        kind: outcome.kind,
        message: `${describeTokenCheck(outcome, serverId)} Nothing was saved.`,
      };

    const now = this.clock.now();
    const last4 = lastFour(token);
    const before = await this.settings.saveToken({ sealed: this.vault.seal(token), last4, at: now }, (b) => ({
      actor,
      action: b.token ? 'token.replaced' : 'token.saved',
      changes: [{ field: 'token', from: b.token ? `…${b.token.last4 ?? ''}` : null, to: `…${last4}` }],
    }));
    const replaced = before.hasToken;
    emitSettingsChanged(this.events, ['token']);
    return {
      ok: true,
      replaced,
      last4,
      message: `${replaced ? 'Token replaced' : 'Token saved'}: ${describeTokenCheck(outcome, serverId)}`,
    };
  }

  /** Checks the token in effect again; a stored token's result and time are remembered for the page. */
  async recheckToken(): Promise<TokenCheckReport> {
    const status = await this.tokenStatus();
    const { outcome, serverId } = await this.check();
    if (status.source === 'settings' && STORED_RESULTS.has(outcome.kind)) {
      const now = this.clock.now();
      // Not a settings change: no audit entry and no event, only what the page shows as "last checked".
      await this.settings.recordTokenCheck(now, outcome.kind);
    }
    return {
      outcome,
      ok: outcome.kind === 'read_write',
      message: describeTokenCheck(outcome, serverId),
      source: status.source,
    };
  }

  /** Forgets the stored token and pauses automatic snapshots; snapshots at Hetzner are not touched. */
  async clearToken(actor: AuditActor): Promise<ClearTokenResult> {
    if (this.options.hcloud.envToken) return { ok: false, message: ENVIRONMENT_TOKEN_MESSAGE };
    const before = await this.settings.clearToken(this.clock.now(), (b) => {
      const changes: AuditChange[] = [{ field: 'token', from: `…${b.token?.last4 ?? ''}`, to: null }];
      if (b.scheduleEnabled) changes.push({ field: 'scheduleEnabled', from: 'on', to: 'off' });
      return { actor, action: 'token.removed', changes };
    });
    const removed = before.hasToken;
    const paused = removed && before.scheduleEnabled;
    if (removed) emitSettingsChanged(this.events, paused ? ['token', 'scheduleEnabled'] : ['token']);
    return { ok: true, removed, paused };
  }

  private async check(token?: string): Promise<{ outcome: TokenCheckOutcome; serverId: number | null }> {
    let serverId: number;
    try {
      serverId = await this.connection.serverId();
    } catch (err) {
      if (err instanceof NotOnHetznerError)
        return { outcome: { kind: 'not_on_hetzner', reason: err.message }, serverId: null };
      throw err;
    }
    try {
      // One client per check; without a token argument it is the token in effect (HCLOUD_TOKEN or the stored one).
      const client = await this.connection.client(
        token ? { token, interactive: true } : { interactive: true },
      );
      return { outcome: await client.checkToken(serverId), serverId };
    } catch (err) {
      if (err instanceof NoTokenError) return { outcome: { kind: 'no_token' }, serverId };
      if (err instanceof TokenDecryptionError)
        return { outcome: { kind: 'undecryptable', reason: err.message }, serverId };
      return { outcome: { kind: 'unreachable', reason: describeHcloudError(err) }, serverId };
    }
  }
}
