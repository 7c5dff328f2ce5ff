using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Internal;

/// <summary>
/// Binds <see cref="IntrospectionRegistrarOptions"/> from the <c>Introspection:Registrar</c> section. A class
/// (not a lambda) so <c>TryAddEnumerable</c> registers it once however often <c>AddIntrospectionRegistrar</c> is
/// called: binding twice would duplicate every registry entry.
/// </summary>
internal sealed class IntrospectionRegistrarConfigureOptions(IConfiguration? configuration = null) : IConfigureOptions<IntrospectionRegistrarOptions>
{
    public void Configure(IntrospectionRegistrarOptions options) =>
        configuration?.GetSection(IntrospectionRegistrarOptions.SectionName).Bind(options);
}
