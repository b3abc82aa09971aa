"""Python zeep on the document/literal endpoint, from the served WSDL.

Usage: /usr/bin/python3 zeep_client.py WSDL_URL USER PASSWORD APP EVENT URL OTHER_APP [soap11|soap12]
Prints the round trip's observations as JSON (see RoundTrip.cs).
"""
import json
import sys

import zeep
from zeep.transports import Transport

wsdl, user, password, app, event, url, other_app = sys.argv[1:8]
binding = sys.argv[8] if len(sys.argv) > 8 else "soap11"

client = zeep.Client(wsdl, transport=Transport(timeout=10, operation_timeout=30))
# zeep takes the first port (SOAP 1.1); the SOAP 1.2 port is bound by its name from the WSDL.
service = client.bind("WebHookService", "WebHookServiceSoap12") if binding == "soap12" else client.service


def ids(reply):
    # zeep unwraps the single <return> element of the response wrapper.
    if reply.error != 0:
        raise RuntimeError("GetWebHooks failed: %s %s" % (reply.error, reply.message))
    if reply.result is None:
        return []
    return [w.id for w in (reply.result.WebHook or [])]


def activation(reply):
    out = {"error": reply.error, "message": reply.message}
    if reply.result is not None:
        out.update(id=reply.result.webhook.id, active=reply.result.webhook.active,
                   replayedEvents=reply.result.replayedEvents, discardedEvents=reply.result.discardedEvents)
    return out


created = service.CreateWebHook(username=user, password=password, app=app, event=event, url=url)
if created.error != 0:
    sys.stderr.write("CreateWebHook failed: %s %s\n" % (created.error, created.message))
    sys.exit(2)
w = created.result
webhook_id = w.id

report = {
    "create": {"error": created.error, "message": created.message, "id": w.id, "app": w.app, "event": w.event,
               "url": w.url, "active": w.active, "secret": w.secret},
    "byApp": ids(service.GetWebHooks(username=user, password=password, app=app)),
    "byEvent": ids(service.GetWebHooks(username=user, password=password, event=event)),
    "byOtherApp": ids(service.GetWebHooks(username=user, password=password, app=other_app)),
    "activate": activation(service.ActivateWebHook(username=user, password=password, webhookId=webhook_id)),
    "activateReplay": activation(service.ActivateWebHook(username=user, password=password, webhookId=webhook_id, replayEvents=1)),
}
deleted = service.DeleteWebHookById(username=user, password=password, webhookId=webhook_id)
report["delete"] = {"error": deleted.error, "message": deleted.message, "result": deleted.result}
report["afterDelete"] = ids(service.GetWebHooks(username=user, password=password, app=app))

wrong = service.CreateWebHook(username=user, password=password + "-wrong", app=app, event=event, url=url)
report["wrongPassword"] = {"error": wrong.error, "message": wrong.message}
unknown = service.CreateWebHook(username=user, password=password, app=app, event="no_such_event", url=url)
report["unknownEvent"] = {"error": unknown.error, "message": unknown.message}

print(json.dumps(report))
