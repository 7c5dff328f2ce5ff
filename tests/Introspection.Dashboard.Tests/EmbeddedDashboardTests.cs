using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Introspection.Dashboard.Tests;

/// <summary>
/// The dashboard in a host of the user's own (the registry library embedded): the route group it returns takes
/// <c>RequireAuthorization()</c>, so the host decides who sees registry contents.
/// </summary>
public sealed class EmbeddedDashboardTests
{
    [Fact]
    public async Task MapIntrospectionDashboard_RequireAuthorization_RefusesAnonymousServesAuthenticated()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http1));
        builder.Logging.ClearProviders();
        builder.Services.AddIntrospectionRegistry();
        builder.Services.AddAuthentication(HeaderUserHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderUserHandler>(HeaderUserHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        await using var app = builder.Build();
        app.MapIntrospectionDashboard().RequireAuthorization();
        await app.StartAsync().WaitAsync(TestTimeouts.Start);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/dashboard/api/state")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/dashboard/")).StatusCode);

            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/api/state");
            request.Headers.Add(HeaderUserHandler.Header, "operator-1");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await app.StopAsync().WaitAsync(TestTimeouts.Stop);
        }
    }

    /// <summary>Authenticates whoever names themselves in a header: a test stand-in for a real scheme.</summary>
    private sealed class HeaderUserHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "TestHeader";
        public const string Header = "X-Test-User";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(Header, out var user) || string.IsNullOrEmpty(user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.ToString())], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
