// For the schedule's unit tests: the ScheduleInputError an action throws, so a test asserts on its code.
import { ScheduleInputError } from './schedule-input.error';

export function thrownBy(action: () => unknown): ScheduleInputError {
  try {
    action();
  } catch (error) {
    if (error instanceof ScheduleInputError) return error;
    throw error;
  }
  throw new Error('expected a ScheduleInputError, nothing was thrown');
}
