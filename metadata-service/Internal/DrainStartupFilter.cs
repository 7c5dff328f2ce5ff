using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Introspection.Provider.Internal;

/// <summary>Puts <see cref="DrainMiddleware"/> first in the pipeline, so every gRPC call is counted and refusable.</summary>
internal sealed class DrainStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
    {
        return app =>
        {
            app.UseMiddleware<DrainMiddleware>();
            next(app);
        };
    }
}
