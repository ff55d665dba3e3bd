namespace Edge.Tests.FakeApi;

public sealed class FakeApiServerOptions
{
    /// <summary>When set, every request must carry "Authorization: Bearer &lt;token&gt;" or gets 401.</summary>
    public string? BearerToken { get; init; }

    /// <summary>Serve HTTPS with a generated CA (see <see cref="FakeApiServer.CaCertificatePem"/>).</summary>
    public bool Tls { get; init; }

    /// <summary>How often watches that asked for allowWatchBookmarks=true get a BOOKMARK.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many change events are kept for watch resumption; older resourceVersions get 410.</summary>
    public int HistoryLimit { get; init; } = 10_000;

    public ExpiredWatchMode ExpiredWatchMode { get; init; } = ExpiredWatchMode.ErrorEvent;

    /// <summary>Cap on <see cref="FakeApiServer.Requests"/>; the oldest tenth is dropped beyond it, so long benchmark runs stay bounded.</summary>
    public int MaxRecordedRequests { get; init; } = 100_000;

    /// <summary>0 picks a free port; the standalone host sets a fixed one.</summary>
    public int Port { get; init; }
}
