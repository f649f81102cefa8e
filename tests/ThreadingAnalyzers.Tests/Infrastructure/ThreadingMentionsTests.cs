using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Tests.Infrastructure;

public class ThreadingMentionsTests
{
    private static bool MayUseThreading(params string[] sources)
    {
        var trees = new SyntaxTree[sources.Length];
        for (var i = 0; i < sources.Length; i++)
        {
            trees[i] = CSharpSyntaxTree.ParseText(sources[i]);
        }

        return ThreadingMentions.MayUseThreading(CSharpCompilation.Create("Test", trees), default);
    }

    [Theory]
    [InlineData("class C { void M() { new System.Threading.Thread(() => { }).Start(); } }")]
    [InlineData("class C { void M() => Run(); static void Run() => System.Threading.Tasks.Task.Run(() => { }); }")]
    [InlineData("class C { readonly object _o = new(); void M() { lock (_o) { } } }")]
    [InlineData("class C { System.Threading.Lock _l = new(); }")]
    [InlineData("class C { System.Collections.Concurrent.ConcurrentQueue<int> q = new(); }")]
    [InlineData("class C { void M(int[] xs) => xs.AsParallel(); }")]
    [InlineData("class C { object t = \\u0054ask.Factory; }")]
    [InlineData("class C { object t = Ta\u200Dsk.Factory; }")]
    [InlineData("class C { object t = \\U00000054ask.Factory; }")]
    [InlineData("class C { int n; void M() => System.Threading.Interlocked.Increment(ref n); }")]
    [InlineData("class C { object q = new System.Collections.Concurrent.BlockingCollection<int>(); }")]
    [InlineData("class C { System.Threading.SpinLock s; }")]
    [InlineData("class C { System.Threading.ReaderWriterLockSlim s; }")]
    [InlineData("lock")]
    [InlineData("class C { void M() { lock(this) { } } }")]
    [InlineData("class C { object b = new Barrier(2); }")]
    [InlineData("class C { void M(Gate g) { using (g.EnterScope()) { } } }")]
    [InlineData("using System.Threading; class C { Thread t; }")]
    [InlineData("using T = System.Threading.Thread;\nclass C { T t; }")]
    [InlineData("using static System.Threading.Interlocked;\nclass C { }")]
    [InlineData("using System.Threading.Tasks; // Task.Run below\nclass C { }")]
    [InlineData("namespace N { using System.Threading; }")]
    public void Source_that_names_a_thread_task_lock_or_concurrent_type_may_use_threading(string source)
        => Assert.True(MayUseThreading(source));

    [Fact]
    public void Source_that_never_names_one_does_not()
        => Assert.False(MayUseThreading(
            "class Order { void Start() { } void Run() { Block(); } void Block() { var clock = 1; var Locker = 2; } }",
            "class Path { string p = \"C:\\\\temp\\\\x\"; string Lockout; void Unlock() { } }",
            "class Queue2 { void Enqueue(int x) { } void Join() { } }"));

    [Fact]
    public void Using_directives_that_only_import_a_namespace_do_not_count()
        => Assert.False(MayUseThreading(
            "global using global::System;\r\nglobal using global::System.Threading;\r\nglobal using global::System.Threading.Tasks;\r\n",
            "using System;\nusing System.Collections.Concurrent;\n  using  System . Threading.Channels ;\nnamespace N\n{\n    using System.Threading;\n    class C { }\n}"));

    [Fact]
    public void One_tree_that_names_one_is_enough()
        => Assert.True(MayUseThreading("class A { }", "class B { void M() { lock (this) { } } }"));
}
