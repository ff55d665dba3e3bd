namespace Edge.Tests;

public class SmokeTests
{
    [Test]
    public async Task Snapshot_empty_has_no_ingresses()
    {
        await Assert.That(Edge.Providers.Kubernetes.Client.ClusterSnapshot.Empty.Ingresses.Length).IsEqualTo(0);
    }
}
