// The VirtualService router (`routing: istio`): the action edits the user's VirtualService, the one
// named in `route` or the one in the namespace with an HTTP route to stable's Service's host
// (object-router.ts, virtualservice.ts).
import { virtualServiceCompetes } from './competing-routes.js';
import { routeObjectRouter, type RouteKind, type RouteObjectDeps, type RouteSpec } from './object-router.js';
import type { TrafficRouter } from './types.js';
import {
  canaryWeight,
  readEdit,
  restorePatch,
  routesReferring,
  weightPatch,
  type VirtualService
} from './virtualservice.js';

export const VIRTUALSERVICE_RESOURCE = 'virtualservices.networking.istio.io';

export const VIRTUALSERVICE_KIND: RouteKind<VirtualService> = {
  preset: 'istio',
  kind: 'VirtualService',
  group: 'networking.istio.io',
  resource: VIRTUALSERVICE_RESOURCE,
  refName: 'HTTP route destination',
  refersTo: (vs, service) => routesReferring(vs, service).length > 0,
  readEdit,
  weightPatch,
  restorePatch,
  canaryWeight,
  competes: (stable, rendered) => virtualServiceCompetes(stable, rendered)
};

export function virtualServiceRouter(spec: RouteSpec, deps: RouteObjectDeps): TrafficRouter {
  return routeObjectRouter(VIRTUALSERVICE_KIND, spec, deps);
}
