// A small seeded PRNG (mulberry32), so a fault campaign that found something can be replayed exactly
// with FAULT_SEED=<the printed seed>.

export interface SeededRandom {
  readonly seed: number;
  /** [0, 1) */
  next(): number;
  /** A whole number in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)];
    },
  };
}

/** FAULT_SEED when given, otherwise a fresh one (printed by the caller so a failure can be replayed). */
export function campaignSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.FAULT_SEED?.trim();
  if (given) {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`FAULT_SEED must be a whole number from 0 to 4294967295, not ${JSON.stringify(given)}`);
    }
    return seed;
  }
  return Math.floor(Math.random() * 0xffffffff);
}
