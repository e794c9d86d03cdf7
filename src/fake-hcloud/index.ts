export { FakeHcloud } from './fake-hcloud.server';
export type {
  FakeActionRecord,
  FakeActionResource,
  FakeActionStatus,
  FakeFailure,
  FakeHcloudOptions,
  FakeImageInput,
  FakeImageRecord,
  FakeImageStatus,
  FakeImageType,
  FakeRequestLogEntry,
  FakeServerInput,
  FakeServerRecord,
  FakeServerStatus,
  FakeTokenMode,
  FakeVolumeRecord,
} from './fake-hcloud.types';
export {
  DEMO_OTHER_SERVER_NAME,
  DEMO_READONLY_TOKEN,
  DEMO_SERVER_NAME,
  DEMO_TOKEN,
} from './fake-hcloud.seed';
export { LabelSelectorSyntaxError, matchesLabelSelector, parseLabelSelector } from './label-selector';
export type { LabelRequirement, LabelSelector } from './label-selector';
