import { Logger, LoggerService } from '@nestjs/common';
import { registerSecret } from '../../logging/line.logger';
import { PluginLogger } from './plugin.logger';

describe('PluginLogger', () => {
  it('masks registered secrets before the host’s logger sees them, whatever logger the host installed', () => {
    const seen: unknown[][] = [];
    const hostLogger: LoggerService = {
      log: (...a: unknown[]) => seen.push(a),
      error: (...a: unknown[]) => seen.push(a),
      warn: (...a: unknown[]) => seen.push(a),
    };
    Logger.overrideLogger(hostLogger);
    try {
      const secret = 'pluginLoggerSecretToken0123456789';
      registerSecret(secret);
      const logger = new PluginLogger('Snapshots');
      logger.log(`calling with ${secret}`);
      logger.error(new Error(`rejected ${secret}`), `stack with ${secret}`);
      logger.warn(`warned ${secret}`);
      expect(JSON.stringify(seen)).not.toContain(secret);
      expect(JSON.stringify(seen)).toContain('[redacted]');
    } finally {
      Logger.overrideLogger(false as never);
    }
  });
});
