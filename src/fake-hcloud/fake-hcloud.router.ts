import { FakeClock } from './fake-hcloud.clock';
import { FakeHcloudState } from './fake-hcloud.state';

export interface RouteContext {
  projectId: number;
  /** Path parameters; every one the fake's routes take is a numeric id. */
  params: Record<string, number>;
  query: URLSearchParams;
  body: unknown;
  /** Absolute URL of the requested path without query, for pagination links. */
  pageUrl: string;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** e.g. `/v1/images/:id`; parameters match digits only. */
  pattern: string;
  handle(context: RouteContext): RouteResult;
}

export interface RouteDeps {
  state: FakeHcloudState;
  clock: FakeClock;
  actionDurationMs: number;
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, number> }
  | { kind: 'method_not_allowed' }
  | { kind: 'not_found' };

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

export class FakeRouter {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map(compile);
  }

  match(method: string, path: string): RouteMatch {
    let pathKnown = false;
    for (const { route, regex, names } of this.compiled) {
      const found = regex.exec(path);
      if (!found) continue;
      pathKnown = true;
      if (route.method !== method) continue;
      const params = Object.fromEntries(names.map((name, i) => [name, Number(found[i + 1])]));
      return { kind: 'found', route, params };
    }
    return { kind: pathKnown ? 'method_not_allowed' : 'not_found' };
  }
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
    names.push(name);
    return '(\\d+)';
  });
  return { route, regex: new RegExp(`^${source}$`), names };
}
