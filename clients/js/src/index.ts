export { Herald, LOCAL_CLOSE } from './herald.js';
export type { HeraldEvents, HeraldOptions } from './herald.js';
export { Subscription } from './subscription.js';
export type { SubscriptionEvents, SubscriptionState } from './subscription.js';
export { HeraldError } from './errors.js';
export type * from './types.js';
