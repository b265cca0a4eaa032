export { ServiceDiscovery, serviceInstance, type NewInstance, type ServiceDiscoveryEvents, type ServiceDiscoveryOptions } from './service-discovery.js';
export { ServiceCache, type ServiceCacheEvents } from './service-cache.js';
export { ServiceProvider, type ServiceProviderOptions } from './service-provider.js';
export { RandomStrategy, RoundRobinStrategy, StickyStrategy, type ProviderStrategy } from './pure/provider-strategy.js';
export { DownInstancePolicy, type DownInstancePolicyOptions } from './pure/down-instance-policy.js';
export {
  ServiceType,
  createModeFor,
  deserializeInstance,
  formatUriSpec,
  parseUriSpec,
  serializeInstance,
  type ServiceInstance,
  type ServiceTypeName,
  type UriSpecPart,
} from './pure/service-instance.js';
