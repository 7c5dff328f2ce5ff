using Microsoft.AspNetCore.Authentication;

namespace Introspection.Registry.Security;

/// <summary>Options of <see cref="ApiKeyAuthenticationHandler"/> (the keys themselves come from <see cref="RegistryCredentials"/>).</summary>
internal sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions;
