// gateway-api: the action edits the user's HTTPRoute (httproute-router.ts); the canary release carries
// no routing values. The storefront chart's `canary.*` contract for Gateway API is still there as
// `routing: values` (docs/charts.md).
import { httpRouteChartValues, httpRouteRouter } from './httproute-router.js';

export const gatewayApiChartValues = httpRouteChartValues;
export const gatewayApiRouter = httpRouteRouter;
