using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Tests.Security;

/// <summary>
/// A provider app's bearer authentication reduced to what the tests need: the token <see cref="ValidToken"/> is a
/// principal, anything else is anonymous. A real app uses JwtBearer or an API key handler the same way.
/// </summary>
internal sealed class StaticBearerAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "StaticBearer";
    public const string ValidToken = "metadata-reader-key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header != "Bearer " + ValidToken)
        {
            return Task.FromResult(header.Length == 0 ? AuthenticateResult.NoResult() : AuthenticateResult.Fail("unknown token"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "consumer")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
