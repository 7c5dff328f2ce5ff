using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Internal;

/// <summary>
/// Binds <see cref="IntrospectionClientOptions"/> from the <c>Introspection:Client</c> section. A class (not a
/// lambda) so <c>TryAddEnumerable</c> registers it once however often <c>AddIntrospectionClient</c> is called:
/// binding twice would duplicate every list entry.
/// </summary>
internal sealed class IntrospectionClientConfigureOptions(IConfiguration? configuration = null) : IConfigureOptions<IntrospectionClientOptions>
{
    public void Configure(IntrospectionClientOptions options) =>
        configuration?.GetSection(IntrospectionClientOptions.SectionName).Bind(options);
}
