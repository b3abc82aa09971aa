// Node `soap` on the document/literal endpoint, from the served WSDL.
// The soap package is installed in tests/interop (npm install there); the test sets NODE_PATH to its node_modules.
// Usage: node soap_client.js WSDL_URL USER PASSWORD APP EVENT URL OTHER_APP
// Prints the round trip's observations as JSON (see RoundTrip.cs).
'use strict';
const soap = require('soap');

const [wsdl, user, password, app, event, url, otherApp] = process.argv.slice(2);

function ids(reply) {
  if (reply.error !== 0) throw new Error(`GetWebHooks failed: ${reply.error} ${reply.message}`);
  const list = reply.result && reply.result.WebHook ? reply.result.WebHook : [];
  return (Array.isArray(list) ? list : [list]).map(w => w.id);
}

function activation(reply) {
  const out = { error: reply.error, message: reply.message };
  if (reply.result) {
    Object.assign(out, {
      id: reply.result.webhook.id, active: reply.result.webhook.active,
      replayedEvents: reply.result.replayedEvents, discardedEvents: reply.result.discardedEvents,
    });
  }
  return out;
}

async function main() {
  const client = await soap.createClientAsync(wsdl, { wsdl_options: { timeout: 10000 } });
  const call = async (name, args) => (await client[name + 'Async'](args, { timeout: 30000 }))[0].return;

  const created = await call('CreateWebHook', { username: user, password, app, event, url });
  if (created.error !== 0) throw new Error(`CreateWebHook failed: ${created.error} ${created.message}`);
  const w = created.result;
  const id = w.id;

  const report = {
    create: { error: created.error, message: created.message, id: w.id, app: w.app, event: w.event, url: w.url, active: w.active, secret: w.secret },
    byApp: ids(await call('GetWebHooks', { username: user, password, app })),
    byEvent: ids(await call('GetWebHooks', { username: user, password, event })),
    byOtherApp: ids(await call('GetWebHooks', { username: user, password, app: otherApp })),
    activate: activation(await call('ActivateWebHook', { username: user, password, webhookId: id })),
    activateReplay: activation(await call('ActivateWebHook', { username: user, password, webhookId: id, replayEvents: 1 })),
  };
  const deleted = await call('DeleteWebHookById', { username: user, password, webhookId: id });
  report.delete = { error: deleted.error, message: deleted.message, result: deleted.result };
  report.afterDelete = ids(await call('GetWebHooks', { username: user, password, app }));

  const wrong = await call('CreateWebHook', { username: user, password: password + '-wrong', app, event, url });
  report.wrongPassword = { error: wrong.error, message: wrong.message };
  const unknown = await call('CreateWebHook', { username: user, password, app, event: 'no_such_event', url });
  report.unknownEvent = { error: unknown.error, message: unknown.message };

  process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch(e => {
  process.stderr.write((e && e.stack) || String(e));
  process.exit(1);
});
