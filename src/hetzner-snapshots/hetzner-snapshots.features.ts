/** The plugin's feature modules, one per folder; each brings its controllers and services. */
export const hetznerSnapshotsFeatureModules = [];
