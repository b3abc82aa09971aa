'use strict';

const { apiUrl } = require('./service');

// Custom authentication: the account's API key (made on the service with `accounts apikey NAME`), sent as X-API-Key
// by the beforeRequest middleware. GET /api/me tests it and names the account for the connection's label.
module.exports = {
  type: 'custom',
  fields: [
    {
      key: 'apiKey',
      label: 'API Key',
      type: 'password',
      required: true,
      helpText: 'An API key of your account (it starts with `whk_`). Your administrator makes one with `accounts apikey NAME`.',
    },
  ],
  test: async (z) => {
    const response = await z.request({ url: apiUrl('me') });
    return response.data;
  },
  connectionLabel: (z, bundle) => bundle.inputData.account,
};
