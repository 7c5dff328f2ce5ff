using Grpc.Core;
using Greeter.Contracts;
using Introspection.Provider;

namespace Introspection.Provider.Tests.TestServices;

/// <summary>greet.Greeter for the tests. A name "slow:N" makes the call take N milliseconds.</summary>
[IntrospectionService(Version = "1.0")]
[IntrospectionServiceParameter("timeout", "5s")]
public sealed class GreeterService : Greeter.Contracts.Greeter.GreeterBase
{
    public override async Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
    {
        if (request.Name.StartsWith("slow:", StringComparison.Ordinal) && int.TryParse(request.Name.AsSpan(5), out var delayMs))
        {
            // Deliberately not tied to the call's token: a draining server must let it finish.
            await Task.Delay(delayMs).ConfigureAwait(false);
        }

        return new HelloReply { Message = "Hello " + request.Name, Instance = context.Host };
    }
}
