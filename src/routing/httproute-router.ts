// The HTTPRoute router (`routing: gateway-api`): the action edits the user's HTTPRoute, the one named
// in `route` or the one in the namespace with a backendRef to stable's Service (object-router.ts).
import {
  canaryWeight,
  readEdit,
  restorePatch,
  rulesReferring,
  weightPatch,
  type HTTPRoute
} from './httproute.js';
import { httpRouteCompetes } from './competing-routes.js';
import { routeObjectRouter, type RouteKind, type RouteObjectDeps, type RouteSpec } from './object-router.js';
import type { TrafficRouter } from './types.js';

export { routeObjectChartValues as httpRouteChartValues } from './object-router.js';

export const HTTPROUTE_RESOURCE = 'httproutes.gateway.networking.k8s.io';

export type GatewayApiDeps = RouteObjectDeps;

export const HTTPROUTE_KIND: RouteKind<HTTPRoute> = {
  preset: 'gateway-api',
  kind: 'HTTPRoute',
  group: 'gateway.networking.k8s.io',
  resource: HTTPROUTE_RESOURCE,
  refName: 'backendRef',
  refersTo: (route, service) => rulesReferring(route, service).length > 0,
  readEdit,
  weightPatch,
  restorePatch,
  canaryWeight,
  competes: httpRouteCompetes
};

export function httpRouteRouter(spec: RouteSpec, deps: RouteObjectDeps): TrafficRouter {
  return routeObjectRouter(HTTPROUTE_KIND, spec, deps);
}
