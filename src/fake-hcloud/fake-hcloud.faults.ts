import { FakeFailure } from './fake-hcloud.types';

/** Scripted failures, consumed in the order they were added by the requests they match. */
export class FakeFaultScript {
  private faults: { failure: FakeFailure; remaining: number }[] = [];

  add(failure: FakeFailure): void {
    this.faults.push({ failure, remaining: failure.times ?? 1 });
  }

  take(method: string, path: string): FakeFailure | undefined {
    const index = this.faults.findIndex(({ failure }) => matches(failure, method, path));
    if (index === -1) return undefined;
    const fault = this.faults[index];
    fault.remaining--;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault.failure;
  }

  clear(): void {
    this.faults = [];
  }
}

function matches(failure: FakeFailure, method: string, path: string): boolean {
  if (failure.method && failure.method.toUpperCase() !== method.toUpperCase()) return false;
  if (typeof failure.path === 'string') return failure.path === path;
  failure.path.lastIndex = 0; // a /g pattern would otherwise remember where its last match ended
  return failure.path.test(path);
}
