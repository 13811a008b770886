export { Herald, LOCAL_CLOSE } from './herald.js';
export { Subscription } from './subscription.js';
export { HeraldError } from './errors.js';
