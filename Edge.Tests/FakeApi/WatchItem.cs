namespace Edge.Tests.FakeApi;

/// <summary>One line of a watch stream: the event type and the already serialized object.</summary>
internal readonly record struct WatchItem(string Type, byte[] Object);
