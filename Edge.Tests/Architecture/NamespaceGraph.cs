using System.Reflection;
using System.Reflection.Emit;

namespace Edge.Tests.Architecture;

/// <summary>
/// Which of Edge's namespaces use which, read from the compiled assembly rather than from
/// <c>using</c> lines: C# lets a namespace see its parents' types without a using, and a
/// fully qualified name needs none either. Signatures (base types, fields, properties, method
/// parameters and returns, generic arguments) and every type or member token in method bodies
/// count, so a lambda or an async state machine counts for the type that declares it.
/// </summary>
public static class NamespaceGraph
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    public static Dictionary<string, HashSet<string>> Build(Assembly assembly)
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            var from = NamespaceOf(type);
            if (from is null) continue;
            if (!graph.TryGetValue(from, out var uses)) graph[from] = uses = new HashSet<string>(StringComparer.Ordinal);
            foreach (var used in TypesUsedBy(type))
                if (used.Assembly == assembly && NamespaceOf(used) is { } to && to != from) uses.Add(to);
        }
        return graph;
    }

    /// <summary>Every cycle's namespaces, as found by Tarjan's strongly connected components.</summary>
    public static List<List<string>> Cycles(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>(); var low = new Dictionary<string, int>();
        var stack = new Stack<string>(); var onStack = new HashSet<string>(); var result = new List<List<string>>();
        var next = 0;
        void Visit(string v)
        {
            index[v] = low[v] = next++; stack.Push(v); onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            if (component.Count > 1) result.Add(component.Order().ToList());
        }
        foreach (var v in graph.Keys.ToList()) if (!index.ContainsKey(v)) Visit(v);
        return result;
    }

    private static string? NamespaceOf(Type t)
    {
        while (t.DeclaringType is not null) t = t.DeclaringType;
        return t.Namespace is { } ns && (ns == "Edge" || ns.StartsWith("Edge.", StringComparison.Ordinal)) ? ns : null;
    }

    private static IEnumerable<Type> TypesUsedBy(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new List<Type>();
        if (type.BaseType is { } b) found.Add(b);
        found.AddRange(type.GetInterfaces());
        foreach (var f in type.GetFields(all)) found.Add(f.FieldType);
        foreach (var p in type.GetProperties(all)) found.Add(p.PropertyType);
        foreach (var e in type.GetEvents(all)) if (e.EventHandlerType is { } h) found.Add(h);
        var methods = type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all));
        foreach (var m in methods)
        {
            if (m is MethodInfo mi) found.Add(mi.ReturnType);
            found.AddRange(m.GetParameters().Select(p => p.ParameterType));
            found.AddRange(BodyReferences(m));
        }
        return found.SelectMany(Expand);
    }

    private static IEnumerable<Type> Expand(Type t)
    {
        if (t.HasElementType && t.GetElementType() is { } e) { foreach (var x in Expand(e)) yield return x; yield break; }
        yield return t;
        if (t.IsGenericType) foreach (var a in t.GetGenericArguments()) foreach (var x in Expand(a)) yield return x;
    }

    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); } catch (Exception) { yield break; }
        if (il is null) yield break;
        var module = method.Module;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            if (!OpCodesByValue.TryGetValue(value, out var op)) yield break;
            switch (op.OperandType)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: i += 1; break;
                case OperandType.InlineVar: i += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: i += 8; break;
                case OperandType.InlineSwitch: i += 4 + 4 * BitConverter.ToInt32(il, i); break;
                case OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok:
                {
                    var token = BitConverter.ToInt32(il, i); i += 4;
                    var types = new List<Type>();
                    try
                    {
                        var member = module.ResolveMember(token, typeArgs, methodArgs);
                        if ((member as Type ?? member?.DeclaringType) is { } owner) types.Add(owner);
                        if (member is FieldInfo fi) types.Add(fi.FieldType);
                        if (member is MethodInfo mi) types.Add(mi.ReturnType);
                    }
                    catch (Exception) { /* a token in an unresolvable generic context: its declaring type is counted elsewhere */ }
                    foreach (var x in types.SelectMany(Expand)) yield return x;
                    break;
                }
                default: i += 4; break;
            }
        }
    }
}
