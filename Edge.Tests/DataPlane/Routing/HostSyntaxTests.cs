using Edge.DataPlane.Routing;

namespace Edge.Tests.DataPlane.Routing;

public class HostSyntaxTests
{
    [Test]
    [Arguments("example.com", true)]
    [Arguments("example.com:8080", true)]
    [Arguments("example.com.", true)]
    [Arguments("my_host.internal", true)]
    [Arguments("127.0.0.1:80", true)]
    [Arguments("[::1]:443", true)]
    [Arguments("[::1]", true)]
    [Arguments("", true)]
    [Arguments("a..b", false)]
    [Arguments(".example.com", false)]
    [Arguments("exa mple.com", false)]
    [Arguments("example.com:99999", false)]
    [Arguments("example.com:", false)]
    [Arguments("[::1", false)]
    [Arguments("[127.0.0.1]", false)]
    [Arguments("ex*ample.com", false)]
    public async Task Validates(string host, bool valid) => await Assert.That(HostSyntax.IsValid(host)).IsEqualTo(valid);

    [Test]
    public async Task Label_and_name_lengths()
    {
        await Assert.That(HostSyntax.IsValid(new string('a', 63) + ".com")).IsTrue();
        await Assert.That(HostSyntax.IsValid(new string('a', 64) + ".com")).IsFalse();
        await Assert.That(HostSyntax.IsValid(new string('a', 252) + ".com")).IsFalse();
        var name253 = string.Join('.', Enumerable.Repeat(new string('a', 62), 4)) + ".a";   // 4 labels of 62, 3 dots, ".a"
        await Assert.That(name253.Length).IsEqualTo(253);
        await Assert.That(HostSyntax.IsValid(name253)).IsTrue();
        await Assert.That(HostSyntax.IsValid(name253 + "b")).IsFalse();
    }
}
