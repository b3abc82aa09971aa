'use strict';

// Validates the app definition as `zapier validate` does offline: the definition the platform would receive
// (functions serialised by zapier-platform-core), checked against zapier-platform-schema. Prints the errors; exit 1 on any.
const assert = require('node:assert/strict');
const zapier = require('zapier-platform-core');
const { validateAppDefinition } = require('zapier-platform-schema');
const App = require('..');

const main = async () => {
  const handler = zapier.createAppHandler(App);
  const { results: definition } = await handler({ command: 'definition' });
  const { errors } = validateAppDefinition(definition);
  for (const error of errors) console.log(`not ok - ${error.property}: ${error.message}`);
  assert.equal(errors.length, 0, `${errors.length} schema errors`);
  console.log(`ok - the app definition is valid for zapier-platform-schema ${require('zapier-platform-schema/package.json').version}`);

  assert.equal(definition.authentication.type, 'custom');
  assert.deepEqual(definition.authentication.fields.map((f) => f.key), ['apiKey']);
  for (const key of ['new_optin', 'new_optout', 'profile_changed']) {
    const operation = definition.triggers[key].operation;
    assert.equal(operation.type, 'hook', key);
    for (const method of ['perform', 'performList', 'performSubscribe', 'performUnsubscribe']) {
      assert.ok(operation[method], `${key} has ${method}`);
    }
    assert.ok(operation.sample && operation.sample.id !== undefined, `${key} has a sample with an id`);
  }
  console.log('ok - three instant (REST hook) triggers with subscribe, unsubscribe, perform, performList and a sample');
};

main().catch((error) => {
  console.log(`not ok - ${error.message}`);
  process.exitCode = 1;
});
