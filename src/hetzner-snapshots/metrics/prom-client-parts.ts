// The four parts of prom-client the panel uses, each loaded from its own file. The package's index also loads
// its cluster aggregator, push gateway and default process metrics, none of which the panel uses: about 2 MB
// of a `serve` process's idle heap (measured by `npm run bench`, memory). The types are the package's own.
import type * as PromClient from 'prom-client';

/* eslint-disable @typescript-eslint/no-require-imports -- the package has no entry points but its index */
export const Registry = require('prom-client/lib/registry') as typeof PromClient.Registry;
export const Counter = require('prom-client/lib/counter') as typeof PromClient.Counter;
export const Gauge = require('prom-client/lib/gauge') as typeof PromClient.Gauge;
export const Histogram = require('prom-client/lib/histogram') as typeof PromClient.Histogram;
/* eslint-enable @typescript-eslint/no-require-imports */

export type Registry = PromClient.Registry;
export type Counter<T extends string = string> = PromClient.Counter<T>;
export type Gauge<T extends string = string> = PromClient.Gauge<T>;
export type Histogram<T extends string = string> = PromClient.Histogram<T>;
