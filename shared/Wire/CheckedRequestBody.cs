using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Introspection.Wire;

/// <summary>The request body feature that hands grpc-dotnet the <see cref="FrameCheckingPipeReader"/>.</summary>
internal sealed class CheckedRequestBody(PipeReader reader) : IRequestBodyPipeFeature
{
    public PipeReader Reader { get; } = reader;
}
