// istio: the action edits the user's VirtualService (virtualservice-router.ts); the canary release
// carries no routing values. The storefront chart's `canary.*` contract for Istio is still there as
// `routing: values` (docs/charts.md).
import { routeObjectChartValues } from './object-router.js';
import { virtualServiceRouter } from './virtualservice-router.js';

export const istioChartValues = routeObjectChartValues;
export const istioRouter = virtualServiceRouter;
