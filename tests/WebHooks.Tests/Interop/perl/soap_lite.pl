#!/usr/bin/perl
# Perl SOAP::Lite (Debian's libsoap-lite-perl) on the rpc/literal endpoint, the two ways legacy scripts call it:
#   positional: SOAP::Lite->proxy($endpoint)->uri($namespace)->CreateWebHook(...), which names the arguments
#               c-gensym3, c-gensym5, ... (the service binds them by position);
#   wsdl:       SOAP::Lite->service($wsdl_url)->CreateWebHook(...), which names them from the WSDL.
#
# Usage: perl soap_lite.pl ENDPOINT_OR_WSDL_URL USER PASSWORD APP EVENT URL OTHER_APP positional|wsdl
# Prints the round trip's observations as JSON (see RoundTrip.cs).
use strict;
use warnings;
use SOAP::Lite;
use JSON::PP;

my ($where, $user, $pass, $app, $event, $url, $other_app, $mode) = @ARGV;
die "mode must be positional or wsdl\n" unless defined $mode && $mode =~ /^(positional|wsdl)$/;

my $client;
if ($mode eq 'positional') {
    $client = SOAP::Lite->proxy($where, timeout => 30)->uri('urn:webhooks:soap');
} else {
    $client = SOAP::Lite->service($where);
    $client->want_som(1); # every call returns the whole message, as in positional mode
}

# Every call returns a SOAP::SOM; a fault means the request was not understood.
sub call {
    my ($function, @arguments) = @_;
    my $som = $client->$function(@arguments);
    die "$function: no reply\n" unless ref $som;
    die "$function: SOAP fault: " . $som->faultstring . "\n" if $som->fault;
    return $som;
}

sub status { my ($som) = @_; return (error => $som->valueof('//return/error') + 0, message => $som->valueof('//return/message')); }

# valueof in list context: every <WebHook> of the result, however many (one or none included).
sub ids { my ($som) = @_; return [ map { $_->{id} + 0 } $som->valueof('//return/result/WebHook') ]; }

sub activation {
    my ($som) = @_;
    my %out = status($som);
    if ($out{error} == 0) {
        my $w = $som->valueof('//return/result/webhook');
        %out = (%out, id => $w->{id} + 0, active => $w->{active} + 0,
                replayedEvents => $som->valueof('//return/result/replayedEvents') + 0,
                discardedEvents => $som->valueof('//return/result/discardedEvents') + 0);
    }
    return \%out;
}

my $created = call('CreateWebHook', $user, $pass, $app, $event, $url);
my %create = status($created);
if ($create{error} != 0) { print STDERR "CreateWebHook failed: $create{error} $create{message}\n"; exit 2; }
my $w = $created->valueof('//return/result');
my $id = $w->{id} + 0;

my %report = (
    create => { %create, id => $id, app => $w->{app}, event => $w->{event}, url => $w->{url}, active => $w->{active} + 0, secret => $w->{secret} },
    byApp => ids(call('GetWebHooks', $user, $pass, $app)),
    byEvent => ids(call('GetWebHooks', $user, $pass, '', $event)),
    byOtherApp => ids(call('GetWebHooks', $user, $pass, $other_app)),
    activate => activation(call('ActivateWebHook', $user, $pass, $id)),
    activateReplay => activation(call('ActivateWebHook', $user, $pass, $id, 1)),
);
my $deleted = call('DeleteWebHookById', $user, $pass, $id);
$report{delete} = { status($deleted), result => ($deleted->valueof('//return/result') // 0) + 0 };
$report{afterDelete} = ids(call('GetWebHooks', $user, $pass, $app));
$report{wrongPassword} = { status(call('CreateWebHook', $user, $pass . '-wrong', $app, $event, $url)) };
$report{unknownEvent} = { status(call('CreateWebHook', $user, $pass, $app, 'no_such_event', $url)) };

print JSON::PP->new->canonical->encode(\%report), "\n";
