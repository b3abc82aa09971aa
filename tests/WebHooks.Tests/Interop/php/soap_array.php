<?php
// PHP SoapClient, named-array style, on the document/literal endpoint (WSDL /webservice/soap?wsdl).
// Usage: php soap_array.php WSDL_URL USER PASSWORD APP EVENT URL OTHER_APP [DELIVERED_ID]
// With DELIVERED_ID (a webhook that received two events) it also calls GetWebHookDeliveries and RotateWebHookSecret.
// Prints the round trip's observations as JSON (see RoundTrip.cs).
error_reporting(E_ALL);
[, $wsdl, $user, $pass, $app, $event, $url, $otherApp] = $argv;
$deliveredId = isset($argv[8]) ? (int)$argv[8] : 0;

$client = new SoapClient($wsdl, [
    'cache_wsdl' => WSDL_CACHE_NONE,
    'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
    'exceptions' => true,
    'connection_timeout' => 10,
]);

function ids($reply) {
    if ($reply->error !== 0) { throw new RuntimeException("GetWebHooks failed: {$reply->error} {$reply->message}"); }
    $list = isset($reply->result->WebHook) ? $reply->result->WebHook : [];
    return array_map(fn($w) => $w->id, $list);
}
function activation($reply) {
    $out = ['error' => $reply->error, 'message' => $reply->message];
    if (isset($reply->result)) {
        $out += ['id' => $reply->result->webhook->id, 'active' => $reply->result->webhook->active,
                 'replayedEvents' => $reply->result->replayedEvents, 'discardedEvents' => $reply->result->discardedEvents];
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

$created = $client->CreateWebHook(['username' => $user, 'password' => $pass, 'app' => $app, 'event' => $event, 'url' => $url])->return;
if ($created->error !== 0) { fwrite(STDERR, json_encode($created)); exit(2); }
$w = $created->result;
$id = $w->id;

$report = [
    'create' => ['error' => $created->error, 'message' => $created->message, 'id' => $w->id, 'app' => $w->app,
                 'event' => $w->event, 'url' => $w->url, 'active' => $w->active, 'secret' => $w->secret],
    'byApp' => ids($client->GetWebHooks(['username' => $user, 'password' => $pass, 'app' => $app])->return),
    'byEvent' => ids($client->GetWebHooks(['username' => $user, 'password' => $pass, 'event' => $event])->return),
    'byOtherApp' => ids($client->GetWebHooks(['username' => $user, 'password' => $pass, 'app' => $otherApp])->return),
    'activate' => activation($client->ActivateWebHook(['username' => $user, 'password' => $pass, 'webhookId' => $id])->return),
    'activateReplay' => activation($client->ActivateWebHook(['username' => $user, 'password' => $pass, 'webhookId' => $id, 'replayEvents' => 1])->return),
];
if ($deliveredId > 0) {
    $report['deliveries'] = deliveries($client->GetWebHookDeliveries(['username' => $user, 'password' => $pass, 'webhookId' => $deliveredId])->return);
    $report['deliveriesLimited'] = deliveries($client->GetWebHookDeliveries(['username' => $user, 'password' => $pass, 'webhookId' => $deliveredId, 'limit' => 1])->return);
    $bad = $client->GetWebHookDeliveries(['username' => $user, 'password' => $pass, 'webhookId' => $deliveredId, 'limit' => 0])->return;
    $report['deliveriesBadLimit'] = ['error' => $bad->error, 'message' => $bad->message];
    $missing = $client->GetWebHookDeliveries(['username' => $user, 'password' => $pass, 'webhookId' => 987654])->return;
    $report['deliveriesNotFound'] = ['error' => $missing->error, 'message' => $missing->message];
    $rotated = $client->RotateWebHookSecret(['username' => $user, 'password' => $pass, 'webhookId' => $id])->return;
    $report['rotate'] = ['error' => $rotated->error, 'message' => $rotated->message,
                         'id' => $rotated->result->id ?? 0, 'secret' => $rotated->result->secret ?? null];
    $notFound = $client->RotateWebHookSecret(['username' => $user, 'password' => $pass, 'webhookId' => 987654])->return;
    $report['rotateNotFound'] = ['error' => $notFound->error, 'message' => $notFound->message];
}
$deleted = $client->DeleteWebHookById(['username' => $user, 'password' => $pass, 'webhookId' => $id])->return;
$report['delete'] = ['error' => $deleted->error, 'message' => $deleted->message, 'result' => $deleted->result ?? null];
$report['afterDelete'] = ids($client->GetWebHooks(['username' => $user, 'password' => $pass, 'app' => $app])->return);

$wrong = $client->CreateWebHook(['username' => $user, 'password' => $pass . '-wrong', 'app' => $app, 'event' => $event, 'url' => $url])->return;
$report['wrongPassword'] = ['error' => $wrong->error, 'message' => $wrong->message];
$unknown = $client->CreateWebHook(['username' => $user, 'password' => $pass, 'app' => $app, 'event' => 'no_such_event', 'url' => $url])->return;
$report['unknownEvent'] = ['error' => $unknown->error, 'message' => $unknown->message];

echo json_encode($report), "\n";
