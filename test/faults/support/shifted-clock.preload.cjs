/* global process */
// Loaded with `node --require` into the panel processes the kill test starts. It moves the process's clock
// forward by SNAPSHOT_PANEL_TEST_CLOCK_SHIFT_MS, so a restart can come "11 minutes after the crash" (past
// the dead process's lease) without waiting 11 minutes; the test moves the fake Hetzner API's clock by the
// same amount, so both sides agree on the time. Timers still run in real time.
'use strict';

const shiftMs = Number(process.env.SNAPSHOT_PANEL_TEST_CLOCK_SHIFT_MS || 0);
if (Number.isFinite(shiftMs) && shiftMs !== 0) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  // A Proxy rather than a subclass: `instanceof Date` stays true for dates made anywhere (drivers, Node itself).
  const ShiftedDate = new Proxy(RealDate, {
    construct(target, args, newTarget) {
      return Reflect.construct(target, args.length === 0 ? [realNow() + shiftMs] : args, newTarget);
    },
    apply() {
      return new RealDate(realNow() + shiftMs).toString();
    },
  });
  RealDate.now = () => realNow() + shiftMs;
  globalThis.Date = ShiftedDate;
}
