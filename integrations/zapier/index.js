'use strict';

const zapier = require('zapier-platform-core');
const authentication = require('./authentication');
const eventTrigger = require('./triggers/eventTrigger');
const { addApiKey, explainErrors } = require('./service');

const newOptIn = eventTrigger({
  key: 'new_optin',
  event: 'optin_finalized',
  noun: 'Opt-In',
  label: 'New Opt-In',
  description: 'Triggers when a subscriber completes a double opt-in.',
});

const newOptOut = eventTrigger({
  key: 'new_optout',
  event: 'optout_finalized',
  noun: 'Opt-Out',
  label: 'New Opt-Out',
  description: 'Triggers when a subscriber completes an opt-out.',
});

const profileChanged = eventTrigger({
  key: 'profile_changed',
  event: 'profilemanager_finalized',
  noun: 'Profile Change',
  label: 'Profile Changed',
  description: 'Triggers when a subscriber changes their data in the profile manager.',
});

module.exports = {
  version: require('./package.json').version,
  platformVersion: zapier.version,

  authentication,
  beforeRequest: [addApiKey],
  afterResponse: [explainErrors],

  triggers: {
    [newOptIn.key]: newOptIn,
    [newOptOut.key]: newOptOut,
    [profileChanged.key]: profileChanged,
  },
};
