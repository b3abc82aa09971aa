'use strict';

// Zapier's own app tester (zapier-platform-core's createAppTester) against the real running service, as Zapier would
// use the integration: connect with an API key, test each trigger (performList), turn a Zap on (performSubscribe with
// a target URL), receive an event there and hand it on (perform), turn the Zap off (performUnsubscribe), and see a
// target that answers 410 Gone lose its subscription. A local HTTP server stands in for Zapier's target URLs.
//
// Environment: WEBHOOKS_BASE_URL (the service), WEBHOOKS_API_KEY (a key of an account that has published nothing yet).
// Prints "ok - ..." per step and "zapier scenario: N passed, N failed"; exits 1 on the first failure.

const assert = require('node:assert/strict');
const http = require('node:http');
const zapier = require('zapier-platform-core');
const App = require('..');

const appTester = zapier.createAppTester(App);
const base = process.env.WEBHOOKS_BASE_URL;
const authData = { apiKey: process.env.WEBHOOKS_API_KEY };
const deadlineMs = 30_000;
let passed = 0;

const step = async (name, body) => {
  await body();
  passed++;
  console.log(`ok - ${name}`);
};

/** The service's REST API directly (what the platform does, or what the test checks). */
const api = async (method, path, body) => {
  const response = await fetch(`${base}/api/${path}`, {
    method,
    headers: { 'X-API-Key': authData.apiKey, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
};

const eventually = async (what, probe) => {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`not within ${deadlineMs / 1000} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // a poll interval, not a wait for something to happen
  }
};

/** Zapier's side of the hooks: records what arrives per path; /gone answers 410 like a Zap that was switched off. */
const startTarget = () =>
  new Promise((resolve) => {
    const received = [];
    const server = http.createServer((request, response) => {
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ path: request.url, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.statusCode = request.url.startsWith('/gone') ? 410 : 200;
        response.end(response.statusCode === 200 ? '{"status":"success"}' : '');
      });
    });
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: (path) => `http://127.0.0.1:${server.address().port}${path}`, received, close: () => server.close() }),
    );
  });

/** The bundle Zapier builds from a request to a target URL. */
const hookBundle = (request) => ({
  authData,
  cleanedRequest: JSON.parse(request.body),
  rawRequest: { method: 'POST', headers: request.headers, content: request.body, querystring: '' },
});

const main = async () => {
  assert.ok(base, 'WEBHOOKS_BASE_URL is set');
  assert.ok(authData.apiKey, 'WEBHOOKS_API_KEY is set');
  const target = await startTarget();
  const optIn = App.triggers.new_optin.operation;
  const profile = App.triggers.profile_changed.operation;
  try {
    await step('authentication: the test (GET /api/me) names the account, which is the connection label', async () => {
      const me = await appTester(App.authentication.test, { authData });
      assert.equal(typeof me.account, 'string');
      assert.equal(await appTester(App.authentication.connectionLabel, { authData, inputData: me }), me.account);
    });

    await step('authentication: an unknown key fails the test with the service\'s reason', async () => {
      await assert.rejects(appTester(App.authentication.test, { authData: { apiKey: 'whk_' + 'A'.repeat(43) } }), /API key was refused \(invalid API key/);
    });

    await step('performList with no event yet: the example of each event, equal to the trigger\'s sample', async () => {
      for (const [key, trigger] of Object.entries(App.triggers)) {
        const listed = await appTester(trigger.operation.performList, { authData });
        assert.deepEqual(listed, [trigger.operation.sample], key);
      }
    });

    let subscription;
    await step('performSubscribe: POST /api/hooks with the target URL makes a webhook of the account', async () => {
      subscription = await appTester(optIn.performSubscribe, { authData, targetUrl: target.url('/hooks/optin') });
      assert.equal(typeof subscription.id, 'number');
      const { status, json } = await api('GET', `hooks/${subscription.id}`);
      assert.equal(status, 200);
      assert.deepEqual([json.event, json.url, json.app, json.active], ['optin_finalized', target.url('/hooks/optin'), 'zapier', 1]);
    });

    const data = { id: 4711, optinsetup_id: 60, subscriber_id: 6049065, fields: [{ id: 1, value: 'jürgen.müßig@example.com' }], lists: [{ id: 1, value: 1 }], activate_at: '2026-11-11 09:27:29' };
    let eventId;
    await step('publish with the API key: POST /api/events answers 202 and the event is queued for the webhook', async () => {
      const { status, json } = await api('POST', 'events', { event: 'optin_finalized', data });
      assert.equal(status, 202);
      assert.equal(json.webhooks, 1);
      eventId = json.eventId;
    });

    await step('the service delivers the event to the target URL, signed, and perform returns its data', async () => {
      const request = await eventually('the event at the target URL', () => target.received.find((r) => r.path === '/hooks/optin'));
      assert.equal(request.headers['webhook-id'], eventId);
      assert.equal(request.headers['webhook-event'], 'optin_finalized');
      assert.match(request.headers['webhook-signature'], /^v1,/);
      const results = await appTester(optIn.perform, hookBundle(request));
      assert.deepEqual(results, [data]);
    });

    await step('performList: the account\'s recent opt-ins, newest first, the published one on top', async () => {
      await api('POST', 'events', { event: 'optin_finalized', data: { ...data, id: 4712 } });
      const listed = await appTester(optIn.performList, { authData });
      assert.deepEqual(listed.map((item) => item.id), [4712, 4711]);
      assert.deepEqual(listed[1], data);
    });

    await step('performUnsubscribe: DELETE /api/hooks/{id} removes the webhook; unsubscribing again is fine', async () => {
      await appTester(optIn.performUnsubscribe, { authData, subscribeData: subscription });
      assert.equal((await api('GET', `hooks/${subscription.id}`)).status, 404);
      await appTester(optIn.performUnsubscribe, { authData, subscribeData: subscription });
    });

    await step('a target URL that answers 410 Gone loses its subscription: the service deletes the webhook', async () => {
      const gone = await appTester(profile.performSubscribe, { authData, targetUrl: target.url('/gone/profile') });
      const { status } = await api('POST', 'events', { event: 'profilemanager_finalized', data: { id: 1, subscriber_id: 6049065 } });
      assert.equal(status, 202);
      await eventually('the webhook answered 410 to be deleted', async () => (await api('GET', `hooks/${gone.id}`)).status === 404);
      assert.ok(target.received.some((r) => r.path === '/gone/profile'), 'the target was called');
      const notifications = await api('GET', 'notifications');
      assert.deepEqual(notifications.json, [], 'no system notification for a REST hook');
      await appTester(profile.performUnsubscribe, { authData, subscribeData: gone }); // Zapier unsubscribes later: no error
    });
  } finally {
    target.close();
  }
};

main()
  .then(() => console.log(`zapier scenario: ${passed} passed, 0 failed`))
  .catch((error) => {
    console.log(`not ok - ${error.stack || error.message}`);
    console.log(`zapier scenario: ${passed} passed, 1 failed`);
    process.exitCode = 1;
  });
