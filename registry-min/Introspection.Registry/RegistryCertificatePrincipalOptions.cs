namespace Introspection.Registry;

/// <summary>One client-certificate principal: a certificate matched by <see cref="Subject"/> or <see cref="Thumbprint"/>.</summary>
public sealed class RegistryCertificatePrincipalOptions
{
    /// <summary>The certificate's subject distinguished name as .NET prints it, e.g. <c>CN=orders-provider</c>.</summary>
    public string? Subject { get; set; }

    /// <summary>The certificate's SHA-1 thumbprint (hex, any case); pins one certificate.</summary>
    public string? Thumbprint { get; set; }

    /// <summary>The principal name. Default: the subject.</summary>
    public string? Name { get; set; }

    /// <summary>The principal's grants.</summary>
    public IList<string> Grants { get; set; } = [];
}
