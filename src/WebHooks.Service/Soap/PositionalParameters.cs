using System.Reflection;
using System.ServiceModel;
using System.Xml.Linq;

namespace WebHooks.Service.Soap;

/// <summary>
/// rpc/literal calls whose arguments carry no parameter names: legacy Perl scripts call
/// <c>SOAP::Lite-&gt;proxy($url)-&gt;uri($ns)-&gt;CreateWebHook('u', 'p', …)</c>, which sends the arguments in order as
/// <c>c-gensym3</c>, <c>c-gensym5</c>, … When none of an operation's child elements carries one of its parameter
/// names, they are bound by position and renamed to the parameters (unqualified, as rpc/literal parts are).
/// A call that names even one parameter is left as it is. The order comes from the contract the endpoint
/// implements (WsdlContractTests holds it to the checked-in rpc WSDL), so there is one order, not two.
/// </summary>
public sealed class PositionalParameters
{
    /// <summary>For endpoints that bind by name only (document/literal).</summary>
    public static readonly PositionalParameters None = new(new Dictionary<string, string[]>());

    private readonly IReadOnlyDictionary<string, string[]> _parameters;

    private PositionalParameters(IReadOnlyDictionary<string, string[]> parameters) => _parameters = parameters;

    /// <summary>Each operation of <typeparamref name="TContract"/> with its parameter names, in order.</summary>
    public static PositionalParameters Of<TContract>() => new(typeof(TContract).GetMethods()
        .Select(m => (Operation: m.GetCustomAttribute<OperationContractAttribute>()?.Name, Method: m))
        .Where(o => o.Operation is not null)
        .ToDictionary(o => o.Operation!, o => o.Method.GetParameters().Select(p => p.Name!).ToArray(), StringComparer.Ordinal));

    /// <returns>Whether the arguments were unnamed and are now bound by position.</returns>
    public bool Bind(XElement operation)
    {
        if (!_parameters.TryGetValue(operation.Name.LocalName, out var names)) return false;
        var arguments = operation.Elements().ToList();
        if (arguments.Count == 0 || arguments.Count > names.Length) return false;
        if (arguments.Any(a => names.Contains(a.Name.LocalName, StringComparer.Ordinal))) return false;
        for (var i = 0; i < arguments.Count; i++) arguments[i].Name = XName.Get(names[i]);
        return true;
    }
}
