using Edge.Configuration;
using Edge.Kubernetes;
using Edge.Model;

namespace Edge.Translation;

/// <summary>Binds the pure translator to the provider loop's output shape.</summary>
public static class TranslatorBinding
{
    public static TranslationOutput Translate(ClusterSnapshot snapshot, ProviderOptions options)
    {
        _ = snapshot; _ = options;
        return new TranslationOutput(new DynamicConfig(), [], []);
    }
}
