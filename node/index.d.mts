// Types for `import Portkey from 'portkey-ai'` and `import { Portkey } from 'portkey-ai'`.
export * from './types/portkey.js';
import { Portkey } from './types/portkey.js';
export default Portkey;
