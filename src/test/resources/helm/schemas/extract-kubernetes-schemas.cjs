// Rebuilds kubernetes-1.22.0.json beside this file from the npm packages kubernetes-models 3.1.0 and
// @kubernetes-models/apimachinery 0.2.0 (MIT, Tommy Chen), whose _schemas/*.js hold the JSON schemas that package
// derived from Kubernetes v1.22.0's OpenAPI spec. 3.1.0 is the last release that ships them as schemas: from 4.0 on
// the package ships only pre-compiled validator functions, which a Java JSON-Schema validator cannot read.
//
// Usage (the README beside this file): unpack the two tarballs (`npm pack kubernetes-models@3.1.0
// @kubernetes-models/apimachinery@0.2.0`, then `tar xzf`) and run
//   node extract-kubernetes-schemas.cjs <kubernetes-models package dir> <apimachinery package dir> > kubernetes-1.22.0.json
//
// What it changes, and only this (each a mechanical translation of what the package's own ajv set-up means):
// - "$ref": "io.k8s.x.y#" (ids registered with ajv) becomes "$ref": "#/definitions/io.k8s.x.y";
// - "nullable": true (an ajv/OpenAPI keyword) becomes a "null" member of "type", or of the "oneOf" for a $ref;
// - "format": "quantity" (a format the package registers with ajv) becomes the same regular expression as "pattern".
// Only the definitions reachable from the kinds listed in ROOTS are written.
'use strict';
const Module = require('module');
const path = require('path');

const [modelsDir, machineryDir] = process.argv.slice(2).map((d) => path.resolve(d));
if (!modelsDir || !machineryDir) {
  console.error('usage: node extract-kubernetes-schemas.cjs <kubernetes-models dir> <apimachinery dir>');
  process.exit(2);
}

const ROOTS = {
  'apps/v1/Deployment': ['apps/v1', 'IoK8sApiAppsV1Deployment'],
  'v1/Service': ['v1', 'IoK8sApiCoreV1Service'],
  'v1/ServiceAccount': ['v1', 'IoK8sApiCoreV1ServiceAccount'],
  'v1/ConfigMap': ['v1', 'IoK8sApiCoreV1ConfigMap'],
  'v1/Secret': ['v1', 'IoK8sApiCoreV1Secret'],
  'policy/v1/PodDisruptionBudget': ['policy/v1', 'IoK8sApiPolicyV1PodDisruptionBudget'],
};

// the package's quantity format (@kubernetes-models/validate 2.0.1, dist/ajv.js), as one pattern
const SIGNED = '[+-]?(?:\\d+|\\d+\\.\\d+|\\d+\\.|\\.\\d+)';
const QUANTITY = `^${SIGNED}(?:[KMGTPE]i|(?:[YZEPTGMkhdcmunpfazy]|da)|[eE]${SIGNED})?$`;

const registered = {};
const realLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === '@kubernetes-models/validate') {
    return { register: (id, schema) => { registered[id] = schema; } };
  }
  if (request.startsWith('@kubernetes-models/apimachinery/')) {
    return realLoad(path.join(machineryDir, request.slice('@kubernetes-models/apimachinery/'.length)), parent, isMain);
  }
  return realLoad(request, parent, isMain);
};

const kinds = {};
for (const [kind, [, file]] of Object.entries(ROOTS)) {
  require(path.join(modelsDir, '_schemas', file + '.js')).addSchema();
}
const idOf = (file) => file.replace(/^IoK8s/, 'io.k8s.');
for (const [kind, [, file]] of Object.entries(ROOTS)) {
  const id = Object.keys(registered).find((k) => k.replace(/\./g, '').toLowerCase() === file.toLowerCase());
  if (!id) throw new Error(`no schema registered for ${kind} (${file})`);
  kinds[kind] = id;
}

function translate(node) {
  if (Array.isArray(node)) return node.map(translate);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable') continue;
    if (k === '$ref' && typeof v === 'string' && v.endsWith('#')) out[k] = '#/definitions/' + v.slice(0, -1);
    else if (k === 'format' && v === 'quantity') out.pattern = QUANTITY;
    else out[k] = translate(v);
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.$ref) return { oneOf: [{ $ref: out.$ref }, { type: 'null' }] };
    else throw new Error('nullable without a type: ' + JSON.stringify(node).slice(0, 200));
  }
  return out;
}

const definitions = {};
for (const id of Object.keys(registered).sort()) definitions[id] = translate(registered[id]);
const modelsVersion = require(path.join(modelsDir, 'package.json')).version;
const machineryVersion = require(path.join(machineryDir, 'package.json')).version;
process.stdout.write(JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $comment: `Kubernetes v1.22.0 API schemas from the npm packages kubernetes-models ${modelsVersion} and `
    + `@kubernetes-models/apimachinery ${machineryVersion} (MIT), extracted by extract-kubernetes-schemas.cjs; see README.md`,
  kinds,
  definitions,
}, null, 1) + '\n');
