namespace Edge.Tests.FakeApi;

/// <summary>One request as the fake saw it. Query has no leading '?' and stays URL-encoded.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string? Authorization, DateTimeOffset At);
