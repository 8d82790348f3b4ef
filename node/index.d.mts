// Types for `import Portkey from 'portkey-ai'` and `import { Portkey } from 'portkey-ai'`.
export * from './types/portkey.js';
// Generated: the resources, their params and the models of their answers.
export * from './types/resources.js';
import { Portkey } from './types/portkey.js';
export default Portkey;
