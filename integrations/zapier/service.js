'use strict';

// Where the webhook service is, and how its answers become Zapier errors.

/**
 * The service's base URL, from the environment variable WEBHOOKS_BASE_URL: one value per published version
 * (`zapier env:set 1.0.0 WEBHOOKS_BASE_URL=https://hooks.example.com`), so that users only ever enter their API key.
 */
const baseUrl = () => {
  const url = (process.env.WEBHOOKS_BASE_URL || '').trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(url)) {
    throw new Error(
      'WEBHOOKS_BASE_URL is not set to the webhook service\'s address (e.g. https://hooks.example.com): ' +
        'the integration\'s maintainer sets it with `zapier env:set VERSION WEBHOOKS_BASE_URL=...`',
    );
  }
  return url;
};

const apiUrl = (path) => `${baseUrl()}/api/${path}`;

/** Every request carries the connection's API key. */
const addApiKey = (request, z, bundle) => {
  if (bundle.authData && bundle.authData.apiKey) {
    request.headers = { ...request.headers, 'X-API-Key': bundle.authData.apiKey };
  }
  return request;
};

/** The service answers errors as {"error": "..."}: that text is what the user sees. */
const explainErrors = (response, z) => {
  if (response.status < 400 || response.skipThrowForStatus) return response;
  let message = `HTTP ${response.status}`;
  try {
    const body = JSON.parse(response.content);
    if (body && typeof body.error === 'string') message = body.error;
  } catch (e) {
    // not JSON: keep the status
  }
  if (response.status === 401) {
    throw new z.errors.Error(`The API key was refused (${message}). Make a new one with: accounts apikey NAME`, 'AuthenticationError', 401);
  }
  throw new z.errors.Error(message, 'ServiceError', response.status);
};

module.exports = { baseUrl, apiUrl, addApiKey, explainErrors };
