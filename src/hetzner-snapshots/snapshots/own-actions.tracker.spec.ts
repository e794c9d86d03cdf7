import { HcloudAction, HcloudApiError } from '../hcloud';
import { CreateRequestKeys } from './create-request-keys';
import { OwnActionsTracker } from './own-actions.tracker';

const T0 = new Date('2026-11-22T12:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const action = (over: Partial<HcloudAction> = {}): HcloudAction => ({
  id: 7,
  command: 'create_image',
  status: 'running',
  progress: 0,
  started: T0.toISOString(),
  finished: null,
  resources: [],
  error: null,
  ...over,
});

describe('OwnActionsTracker', () => {
  it('polls at most every 5 s, shows progress, and reports the end once', async () => {
    const tracker = new OwnActionsTracker();
    tracker.add(action(), 100, 1, T0);
    const getAction = jest
      .fn()
      .mockResolvedValueOnce(action({ progress: 40 }))
      .mockResolvedValueOnce(action({ status: 'success', progress: 100 }));
    // Hetzner has just answered with the action's state: no poll in the first 5 s.
    expect(await tracker.poll(getAction, at(1_000))).toEqual([]);
    expect(getAction).not.toHaveBeenCalled();
    expect(await tracker.poll(getAction, at(5_000))).toEqual([]);
    expect(tracker.progressByImage(1).get(100)).toBe(40);
    expect(await tracker.poll(getAction, at(8_000))).toEqual([]);
    expect(getAction).toHaveBeenCalledTimes(1);
    const ended = await tracker.poll(getAction, at(10_000));
    expect(ended).toEqual([expect.objectContaining({ ok: true })]);
    expect(tracker.runningOn(1)).toEqual([]);
    expect(await tracker.poll(getAction, at(20_000))).toEqual([]);
    expect(getAction).toHaveBeenCalledTimes(2);
  });

  it('shares one round of polls between concurrent callers', async () => {
    const tracker = new OwnActionsTracker();
    tracker.add(action(), 100, 1, T0);
    const getAction = jest.fn().mockResolvedValue(action({ progress: 10 }));
    await Promise.all([
      tracker.poll(getAction, at(5_000)),
      tracker.poll(getAction, at(5_000)),
      tracker.poll(getAction, at(5_000)),
    ]);
    expect(getAction).toHaveBeenCalledTimes(1);
  });

  it('remembers a failed snapshot in words, and forgets an action Hetzner no longer knows', async () => {
    const tracker = new OwnActionsTracker();
    tracker.add(action({ id: 1 }), 100, 1, T0);
    tracker.add(action({ id: 2 }), 101, 1, T0);
    const getAction = jest.fn(async (id: number) => {
      if (id === 1)
        return action({ id: 1, status: 'error', error: { code: 'image_failed', message: 'disk error' } });
      throw new HcloudApiError({ status: 404, code: 'not_found', message: 'action not found' });
    });
    const ended = await tracker.poll(getAction, at(0), { force: true });
    expect(ended).toEqual([
      expect.objectContaining({ ok: false, message: expect.stringContaining('disk error') }),
    ]);
    expect(tracker.runningOn(1)).toEqual([]);
    expect(tracker.recentFailures(1, at(60_000))).toEqual([expect.stringContaining('disk error')]);
    expect(tracker.recentFailures(1, at(3_600_000))).toEqual([]);
  });

  it('keeps polling after a network error', async () => {
    const tracker = new OwnActionsTracker();
    tracker.add(action(), 100, 1, T0);
    const getAction = jest
      .fn()
      .mockRejectedValueOnce(new HcloudApiError({ status: 0, code: 'network_error', message: 'down' }));
    await tracker.poll(getAction, at(5_000));
    expect(getAction).toHaveBeenCalledTimes(1);
    expect(tracker.runningOn(1)).toHaveLength(1);
  });
});

describe('CreateRequestKeys', () => {
  it('lets a key through once for ten minutes, and again after a release', () => {
    const keys = new CreateRequestKeys();
    const key = keys.issue();
    expect(key).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(keys.claim(key, T0)).toBe('first');
    expect(keys.claim(key, at(60_000))).toBe('repeat');
    expect(keys.claim(key, at(11 * 60_000))).toBe('first');
    keys.release(key);
    expect(keys.claim(key, at(11 * 60_000))).toBe('first');
  });
});
