<?php
// Legacy PHP, positional calls, on the rpc/literal endpoint (WSDL /webservice/soap/rpc?wsdl):
//   $r = $c->CreateWebHook($user, $pass, $app, $event, $url); then $r->error, $r->message, $r->result->id.
// Omitted optional arguments go out as empty elements (<replayEvents/>), which mean "not given".
// Usage: php soap_rpc.php WSDL_URL USER PASSWORD APP EVENT URL OTHER_APP [DELIVERED_ID]
// With DELIVERED_ID (a webhook that received two events) it also calls GetWebHookDeliveries and RotateWebHookSecret.
// Prints the round trip's observations as JSON (see RoundTrip.cs).
error_reporting(E_ALL);
[, $wsdl, $user, $pass, $app, $event, $url, $otherApp] = $argv;
$deliveredId = isset($argv[8]) ? (int)$argv[8] : 0;

$c = new SoapClient($wsdl, [
    'cache_wsdl' => WSDL_CACHE_NONE,
    'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
    'exceptions' => true,
    'connection_timeout' => 10,
]);

function ids($r) {
    if ($r->error !== 0) { throw new RuntimeException("GetWebHooks failed: {$r->error} {$r->message}"); }
    $list = isset($r->result->WebHook) ? $r->result->WebHook : [];
    return array_map(fn($w) => $w->id, $list);
}
function activation($r) {
    $out = ['error' => $r->error, 'message' => $r->message];
    if (isset($r->result)) {
        $out += ['id' => $r->result->webhook->id, 'active' => $r->result->webhook->active,
                 'replayedEvents' => $r->result->replayedEvents, 'discardedEvents' => $r->result->discardedEvents];
    }
    return $out;
}

function deliveries($r) {
    $out = ['error' => $r->error, 'message' => $r->message, 'result' => []];
    $list = isset($r->result->Delivery) ? $r->result->Delivery : [];
    foreach ($list as $d) {
        $out['result'][] = ['eventId' => $d->eventId, 'event' => $d->event, 'attempt' => $d->attempt, 'created' => $d->created,
                            'status' => $d->status, 'durationMs' => $d->durationMs, 'succeeded' => $d->succeeded, 'error' => $d->error];
    }
    return $out;
}

$r = $c->CreateWebHook($user, $pass, $app, $event, $url);
if ($r->error !== 0) { fwrite(STDERR, json_encode($r)); exit(2); }
$id = $r->result->id;

$report = [
    'create' => ['error' => $r->error, 'message' => $r->message, 'id' => $r->result->id, 'app' => $r->result->app,
                 'event' => $r->result->event, 'url' => $r->result->url, 'active' => $r->result->active, 'secret' => $r->result->secret],
    'byApp' => ids($c->GetWebHooks($user, $pass, $app)),
    'byEvent' => ids($c->GetWebHooks($user, $pass, '', $event)),
    'byOtherApp' => ids($c->GetWebHooks($user, $pass, $otherApp)),
    'activate' => activation($c->ActivateWebHook($user, $pass, $id)),
    'activateReplay' => activation($c->ActivateWebHook($user, $pass, $id, 1)),
];
if ($deliveredId > 0) {
    $report['deliveries'] = deliveries($c->GetWebHookDeliveries($user, $pass, $deliveredId));
    $report['deliveriesLimited'] = deliveries($c->GetWebHookDeliveries($user, $pass, $deliveredId, 1));
    $bad = $c->GetWebHookDeliveries($user, $pass, $deliveredId, 0);
    $report['deliveriesBadLimit'] = ['error' => $bad->error, 'message' => $bad->message];
    $missing = $c->GetWebHookDeliveries($user, $pass, 987654);
    $report['deliveriesNotFound'] = ['error' => $missing->error, 'message' => $missing->message];
    $rotated = $c->RotateWebHookSecret($user, $pass, $id);
    $report['rotate'] = ['error' => $rotated->error, 'message' => $rotated->message,
                         'id' => $rotated->result->id ?? 0, 'secret' => $rotated->result->secret ?? null];
    $notFound = $c->RotateWebHookSecret($user, $pass, 987654);
    $report['rotateNotFound'] = ['error' => $notFound->error, 'message' => $notFound->message];
}
$d = $c->DeleteWebHookById($user, $pass, $id);
$report['delete'] = ['error' => $d->error, 'message' => $d->message, 'result' => $d->result ?? null];
$report['afterDelete'] = ids($c->GetWebHooks($user, $pass, $app));

$wrong = $c->CreateWebHook($user, $pass . '-wrong', $app, $event, $url);
$report['wrongPassword'] = ['error' => $wrong->error, 'message' => $wrong->message];
$unknown = $c->CreateWebHook($user, $pass, $app, 'no_such_event', $url);
$report['unknownEvent'] = ['error' => $unknown->error, 'message' => $unknown->message];

echo json_encode($report), "\n";
