export { ConfigCentre, encodeDocument, parseJson, type ConfigCentreOptions, type PublishResult } from './config-centre.js';
export { ConfigSubscription, type ConfigVersion, type SubscribeOptions } from './config-subscription.js';
