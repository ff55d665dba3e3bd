using Edge.DataPlane.Routing.Requests;

namespace Edge.Tests.DataPlane.Routing.Requests;

public class RoutingPathDotSegmentTests
{
    [Test]
    [Arguments("/a/../b", "/b")]
    [Arguments("/a/./b", "/a/b")]
    [Arguments("/a/b/..", "/a/")]
    [Arguments("/../../x", "/x")]
    [Arguments("/a/.well-known/x", "/a/.well-known/x")]
    [Arguments("/a/..b/c", "/a/..b/c")]
    public async Task Dot_segments_are_removed_like_rfc3986(string input, string expected)
    {
        await Assert.That(RoutingPath.RemoveDotSegments(input)).IsEqualTo(expected);
    }
}
