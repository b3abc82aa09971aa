namespace WebHooks.Delivery;

/// <summary>How the rest of the engine tells the delivery loop that it has work.</summary>
public interface IDeliverySignals
{
    /// <summary>The webhook was created, activated or deleted: (re)start or stop its lane.</summary>
    void Changed(int webHookId);

    /// <summary>New events were appended for these webhooks.</summary>
    void EventsAppended(IEnumerable<int> webHookIds);
}
