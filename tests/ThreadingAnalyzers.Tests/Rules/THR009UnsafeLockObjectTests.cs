using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using ThreadingAnalyzers.Tests.Infrastructure;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadingAnalyzers.Rules.THR009UnsafeLockObjectAnalyzer,
    ThreadingAnalyzers.CodeFixes.Rules.THR009UnsafeLockObjectCodeFix>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR009UnsafeLockObjectTests
{
    private const string Usings = "using System; using System.Threading;\n";

    [Fact]
    public Task Lock_on_this_is_reported_with_the_reason()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private int _count;

                void M()
                {
                    lock ({|#0:this|})
                    {
                        _count++;
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("'this'", "any code that holds a reference to this object can lock it too and block or deadlock this class"));

    [Theory]
    [InlineData("lock ([|typeof(C)|]) { }")]
    [InlineData("lock ([|\"gate\"|]) { }")]
    [InlineData("lock ([|_name|]) { }")]
    [InlineData("lock ([|new object()|]) { }")]
    [InlineData("lock ([|GetType()|]) { }")]
    [InlineData("lock ([|Thread.CurrentThread|]) { }")]
    [InlineData("lock ([|_mutable|]) { }")]
    [InlineData("Monitor.Enter([|this|]); Monitor.Exit(this);")]
    [InlineData("Monitor.Enter([|_count|]); Monitor.Exit(_count);")]
    [InlineData("if (Monitor.TryEnter([|typeof(C)|])) Monitor.Exit(typeof(C));")]
    public Task Every_unsafe_lock_object_is_reported(string statement)
        => Verify.VerifyAnalyzerAsync(Usings + $$"""
            class C
            {
                private readonly string _name = "n";
                private object _mutable = new object();
                private int _count;

                void M()
                {
                    {{statement}}
                }
            }
            """);

    [Fact]
    public Task A_boxed_value_names_its_type()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private int _count;

                void M()
                {
                    Monitor.Enter({|#0:_count|});
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("'_count'", "the int value is boxed into a new object at every call, so no two threads share the lock and Monitor.Exit throws SynchronizationLockException"));

    [Fact]
    public Task Lock_on_a_private_readonly_object_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            using System.Collections.Generic;

            class C
            {
                private readonly object _gate = new object();
                private static readonly object s_gate = new object();
                private readonly List<int> _items = new List<int>();

                void M()
                {
                    lock (_gate) { }
                    lock (s_gate) { }
                    lock (_items) { }
                    Monitor.Enter(_gate);
                    Monitor.Exit(_gate);
                }
            }
            """);

    [Fact]
    public Task Locals_parameters_and_properties_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            using System.Collections;
            using System.Threading.Tasks;

            class C
            {
                public object SyncRoot { get; } = new object();

                void M(object gate, ICollection items)
                {
                    var local = new object();
                    Parallel.For(0, 4, i => { lock (local) { } });
                    lock (gate) { }
                    lock (SyncRoot) { }
                    lock (items.SyncRoot) { }
                }
            }
            """);

    [Fact]
    public Task A_writer_or_stream_locked_on_modern_dotnet_is_not_reported_as_marshal_by_ref()
        => Verify.VerifyAnalyzerAsync(Usings + """
            using System.IO;

            class Log
            {
                private readonly TextWriter _writer = new StringWriter();

                void Write(string line, Stream stream)
                {
                    lock (_writer) { _writer.WriteLine(line); }
                    lock (stream) { stream.Flush(); }
                }
            }
            """);

    [Fact]
    public Task Lock_on_this_becomes_a_new_private_gate_everywhere_in_the_type()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                private int _count;

                void M()
                {
                    lock ([|this|])
                    {
                        _count++;
                    }
                }

                void N()
                {
                    lock ([|this|])
                    {
                        Monitor.Pulse(this);
                    }
                }
            }
            """, Usings + """
            class C
            {
                private int _count;
                private readonly object _gate = new();

                void M()
                {
                    lock (_gate)
                    {
                        _count++;
                    }
                }

                void N()
                {
                    lock (_gate)
                    {
                        Monitor.Pulse(_gate);
                    }
                }
            }
            """);

    [Fact]
    public Task Lock_on_typeof_in_a_static_method_gets_a_static_gate()
        => Verify.VerifyCodeFixAsync(Usings + """
            class Registry
            {
                private static int s_count;

                static void Register()
                {
                    lock ([|typeof(Registry)|])
                    {
                        s_count++;
                    }
                }
            }
            """, Usings + """
            class Registry
            {
                private static int s_count;
                private static readonly object s_gate = new();

                static void Register()
                {
                    lock (s_gate)
                    {
                        s_count++;
                    }
                }
            }
            """);

    [Fact]
    public Task An_existing_private_readonly_lock_field_is_reused()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                private readonly object _sync = new object();

                void M()
                {
                    lock (_sync) { }
                    lock ([|this|]) { }
                }
            }
            """, Usings + """
            class C
            {
                private readonly object _sync = new object();

                void M()
                {
                    lock (_sync) { }
                    lock (_sync) { }
                }
            }
            """);

    [Fact]
    public Task A_field_assigned_only_in_the_constructor_is_made_readonly()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                private object _lock;

                C()
                {
                    _lock = new object();
                }

                void M()
                {
                    lock ([|_lock|]) { }
                }
            }
            """, Usings + """
            class C
            {
                private readonly object _lock;

                C()
                {
                    _lock = new object();
                }

                void M()
                {
                    lock (_lock) { }
                }
            }
            """);

    [Fact]
    public Task A_field_reassigned_after_construction_is_replaced_by_a_gate()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                private object _lock = new object();

                void Reset() => _lock = new object();

                void M()
                {
                    lock ([|_lock|]) { }
                }
            }
            """, Usings + """
            class C
            {
                private object _lock = new object();
                private readonly object _gate = new();

                void Reset() => _lock = new object();

                void M()
                {
                    lock (_gate) { }
                }
            }
            """);

    [Fact]
    public Task A_taken_gate_name_gets_a_numbered_gate_of_the_same_scheme()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                private int _gate;

                void M()
                {
                    lock ([|this|]) { _gate++; }
                }
            }
            """, Usings + """
            class C
            {
                private int _gate;
                private readonly object _gate2 = new();

                void M()
                {
                    lock (_gate2) { _gate++; }
                }
            }
            """);

    [Fact]
    public Task Csharp_8_gets_an_explicit_object_creation()
        => new Verify.Test
        {
            LanguageVersion = LanguageVersion.CSharp8,
            TestCode = Usings + """
                class C
                {
                    void M()
                    {
                        lock ([|new object()|]) { }
                    }
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    private readonly object _gate = new object();

                    void M()
                    {
                        lock (_gate) { }
                    }
                }
                """,
        }.RunAsync();

    [Fact]
    public Task With_csharp_13_and_a_lock_type_the_gate_is_a_lock()
        => new Verify.Test
        {
            LanguageVersion = LanguageVersion.Preview,
            TestCode = """
                namespace System.Threading { public sealed class Lock { } }

                namespace App
                {
                    class C
                    {
                        void M()
                        {
                            lock ([|this|]) { }
                        }
                    }
                }
                """,
            FixedCode = """
                using System.Threading;

                namespace System.Threading { public sealed class Lock { } }

                namespace App
                {
                    class C
                    {
                        private readonly Lock _gate = new();

                        void M()
                        {
                            lock (_gate) { }
                        }
                    }
                }
                """,
        }.RunAsync();

    [Fact]
    public Task With_a_lock_type_but_monitor_calls_on_the_object_the_gate_stays_an_object()
        => new Verify.Test
        {
            LanguageVersion = LanguageVersion.Preview,
            TestCode = """
                namespace System.Threading { public sealed class Lock { } }

                namespace App
                {
                    using System.Threading;

                    class C
                    {
                        void M()
                        {
                            lock ([|this|]) { Monitor.Wait(this); }
                        }
                    }
                }
                """,
            FixedCode = """
                namespace System.Threading { public sealed class Lock { } }

                namespace App
                {
                    using System.Threading;

                    class C
                    {
                        private readonly object _gate = new();

                        void M()
                        {
                            lock (_gate) { Monitor.Wait(_gate); }
                        }
                    }
                }
                """,
        }.RunAsync();

    [Fact]
    public Task Fix_all_shares_one_gate_per_type_and_fixes_several_types()
        => Verify.VerifyCodeFixAsync(Usings + """
            class A
            {
                void M() { lock ([|this|]) { } }
                void N() { lock ([|new object()|]) { } }
            }

            class B
            {
                static void M() { lock ([|typeof(B)|]) { } }
            }
            """, Usings + """
            class A
            {
                private readonly object _gate = new();

                void M() { lock (_gate) { } }
                void N() { lock (_gate) { } }
            }

            class B
            {
                private static readonly object s_gate = new();

                static void M() { lock (s_gate) { } }
            }
            """);

    [Fact]
    public async Task Fix_all_fixes_across_two_documents()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("A.cs", "class A\n{\n    void M() { lock ([|this|]) { } }\n}\n"));
        test.TestState.Sources.Add(("B.cs", "class B\n{\n    void M() { lock ([|this|]) { } }\n}\n"));
        test.FixedState.Sources.Add(("A.cs", "class A\n{\n    private readonly object _gate = new();\n\n    void M() { lock (_gate) { } }\n}\n"));
        test.FixedState.Sources.Add(("B.cs", "class B\n{\n    private readonly object _gate = new();\n\n    void M() { lock (_gate) { } }\n}\n"));
        await test.RunAsync();
    }

    [Fact]
    public Task No_fix_when_the_type_is_split_across_documents()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("A.cs", "partial class C { void M() { lock ([|this|]) { } } }"));
        test.TestState.Sources.Add(("B.cs", "partial class C { void N() { lock ([|this|]) { } } }"));
        test.FixedState.Sources.Add(("A.cs", "partial class C { void M() { lock ([|this|]) { } } }"));
        test.FixedState.Sources.Add(("B.cs", "partial class C { void N() { lock ([|this|]) { } } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task No_fix_for_a_non_readonly_field_of_another_object()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class Node
            {
                public object Gate = new object();
            }

            interface I
            {
                void M(Node node)
                {
                    lock ([|node.Gate|]) { }
                }
            }
            """);

    [Theory]
    [InlineData("lock (this) { ")]
    [InlineData("lock () { }")]
    [InlineData("lock (typeof()) { }")]
    [InlineData("lock (Undefined) { }")]
    [InlineData("lock (new) { }")]
    [InlineData("Monitor.Enter(; Monitor.Exit(this);")]
    [InlineData("lock (5) { }")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { object _f; void M() { " + body + " } }");
}
