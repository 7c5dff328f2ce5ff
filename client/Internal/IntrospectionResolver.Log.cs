using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

internal sealed partial class IntrospectionResolver
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 530, EventName = "InstanceSchemeMismatch", Level = LogLevel.Warning,
            Message = "{Count} instance(s) of {Target} are not given to the channel: they register another scheme than the channel's {ChannelScheme} (a gRPC channel dials all its addresses with one scheme).")]
        public static partial void SchemeMismatch(ILogger logger, int count, string target, string channelScheme);
    }
}
