using Microsoft.Extensions.Hosting;

namespace Edge.Tests.FakeApi;

/// <summary>
/// Replaces the console lifetime: an in-process fake must not hook SIGINT/SIGTERM, or every server started
/// by a test would swallow Ctrl+C meant for the test runner.
/// </summary>
internal sealed class NoopHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
