using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using WebHooks.Storage;

namespace WebHooks.Service.Hosting;

/// <summary>ASP.NET Core's data-protection keys, kept in the storage so that every instance decrypts every other's cookies.</summary>
internal sealed class StorageXmlRepository(IWebHooksStorage storage) : IXmlRepository
{
    // The interface is synchronous; keys are read when the key ring is (re)loaded and written when one is made: rarely.
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. storage.Shared.GetDataProtectionKeysAsync().GetAwaiter().GetResult().Select(xml => XElement.Parse(xml))];

    public void StoreElement(XElement element, string friendlyName) =>
        storage.Shared.StoreDataProtectionKeyAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting)).GetAwaiter().GetResult();
}
