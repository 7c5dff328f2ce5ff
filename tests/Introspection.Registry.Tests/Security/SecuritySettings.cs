using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace Introspection.Registry.Tests.Security;

/// <summary>Command-line settings and credentials for the security tests: API keys made in the test, stored hashed.</summary>
internal static class SecuritySettings
{
    public const string Prefix = "--Introspection:Registry:Security";

    /// <summary>An API key of the recommended shape: <c>intro_</c> + 32 random bytes base64url (no dots).</summary>
    public static string NewKey() => "intro_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Sha256Hex(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static IEnumerable<string> ApiKey(int index, string name, string key, params string[] grants)
    {
        yield return $"{Prefix}:ApiKeys:{index}:Name={name}";
        yield return $"{Prefix}:ApiKeys:{index}:Sha256={Sha256Hex(key)}";
        for (var i = 0; i < grants.Length; i++)
        {
            yield return $"{Prefix}:ApiKeys:{index}:Grants:{i}={grants[i]}";
        }
    }

    public static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    /// <summary>Call options with the bearer token and a deadline.</summary>
    public static CallOptions As(string token) => new(headers: Bearer(token), deadline: DateTime.UtcNow.Add(TestTimeouts.Call));
}
