using System.Linq;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Tests.Infrastructure;

public class LockFactsTests
{
    private static ConcurrencyTestHelper Compile(string body) => ConcurrencyTestHelper.Create($$"""
        class C
        {
            readonly object _sync = new object();
            readonly object _other = new object();
            readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
            readonly Mutex _mutex = new Mutex();
            readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            int count;

            async Task M(bool flag)
            {
                {{body}}
            }
        }
        """);

    [Theory]
    [InlineData("lock (_sync) { /*x*/count++; }")]
    [InlineData("lock (_sync) /*x*/count++;")]
    [InlineData("Monitor.Enter(_sync); /*x*/count++; Monitor.Exit(_sync);")]
    [InlineData("Monitor.Enter(_sync); try { /*x*/count++; } finally { Monitor.Exit(_sync); }")]
    [InlineData("var taken = false; try { Monitor.Enter(_sync, ref taken); /*x*/count++; } finally { if (taken) Monitor.Exit(_sync); }")]
    [InlineData("if (Monitor.TryEnter(_sync)) { try { /*x*/count++; } finally { Monitor.Exit(_sync); } }")]
    [InlineData("if (!Monitor.TryEnter(_sync)) return; /*x*/count++; Monitor.Exit(_sync);")]
    [InlineData("Monitor.Enter(_sync); if (flag) { Monitor.Exit(_sync); return; } /*x*/count++; Monitor.Exit(_sync);")]
    public void Monitor_and_lock_shapes_hold_the_lock(string body)
    {
        var helper = Compile(body);
        var held = LockFacts.GetHeldLocks(helper.Find("x"), helper.Types);
        var single = Assert.Single(held);
        Assert.Equal("_sync", single.LockSymbol?.Name);
        Assert.True(LockFacts.IsProtected(helper.Find("x"), helper.Types));
    }

    [Theory]
    [InlineData("_semaphore.Wait(); try { /*x*/count++; } finally { _semaphore.Release(); }", "Semaphore")]
    [InlineData("await _semaphore.WaitAsync(); try { /*x*/count++; } finally { _semaphore.Release(); }", "Semaphore")]
    [InlineData("await _semaphore.WaitAsync().ConfigureAwait(false); /*x*/count++; _semaphore.Release();", "Semaphore")]
    [InlineData("_mutex.WaitOne(); /*x*/count++; _mutex.ReleaseMutex();", "Mutex")]
    [InlineData("_rw.EnterWriteLock(); try { /*x*/count++; } finally { _rw.ExitWriteLock(); }", "ReaderWriterWrite")]
    public void Other_lock_types_are_recognized(string body, string kind)
    {
        var helper = Compile(body);
        var held = Assert.Single(LockFacts.GetHeldLocks(helper.Find("x"), helper.Types));
        Assert.Equal(kind, held.Kind.ToString());
        Assert.True(LockFacts.IsInsideLock(helper.Find("x"), helper.Types));
    }

    [Theory]
    [InlineData("/*x*/count++;")]
    [InlineData("lock (_sync) { } /*x*/count++;")]
    [InlineData("Monitor.Enter(_sync); Monitor.Exit(_sync); /*x*/count++;")]
    [InlineData("lock (_sync) { Task.Run(() => /*x*/count++); }")]
    [InlineData("Monitor.TryEnter(_sync); /*x*/count++;")]
    [InlineData("_rw.EnterReadLock(); /*x*/count++; _rw.ExitReadLock();")]
    [InlineData("if (_semaphore.Wait(10)) { } /*x*/count++;")]
    public void Near_misses_hold_no_exclusive_lock(string body)
    {
        var helper = Compile(body);
        Assert.False(LockFacts.IsInsideLock(helper.Find("x"), helper.Types));
    }

    [Fact]
    public void Nested_locks_are_listed_innermost_first()
    {
        var helper = Compile("lock (_sync) { Monitor.Enter(_other); /*x*/count++; Monitor.Exit(_other); }");
        var held = LockFacts.GetHeldLocks(helper.Find("x"), helper.Types);
        Assert.Equal(new[] { "_other", "_sync" }, held.Select(h => h.LockSymbol!.Name));
        Assert.True(LockFacts.IsHeld(helper.Find("x"), held[1].LockSymbol!, helper.Types));
        Assert.Equal("lock(_sync)", held[1].Describe());
    }

    [Theory]
    [InlineData("Interlocked.Increment(ref /*x*/count);")]
    [InlineData("Interlocked.Add(ref /*x*/count, 2);")]
    [InlineData("Volatile.Write(ref /*x*/count, 2);")]
    public void Interlocked_and_Volatile_arguments_are_atomic(string body)
    {
        var helper = Compile(body);
        Assert.True(LockFacts.IsAtomicAccess(helper.Find("x"), helper.Types));
        Assert.True(LockFacts.IsProtected(helper.Find("x"), helper.Types));
    }

    [Fact]
    public void A_lock_on_an_object_that_names_no_storage_is_held_without_a_symbol()
    {
        var helper = Compile("Monitor.Enter(flag ? _sync : _other); /*x*/count++;");
        var held = Assert.Single(LockFacts.GetHeldLocks(helper.Find("x"), helper.Types));
        Assert.Null(held.LockSymbol);
        Assert.True(LockFacts.FunctionAcquiresLocks(helper.Find("x"), helper.Types));
    }

    [Fact]
    public void A_function_without_locks_is_told_apart()
    {
        var helper = Compile("/*x*/count++;");
        Assert.False(LockFacts.FunctionAcquiresLocks(helper.Find("x"), helper.Types));
    }

    [Theory]
    [InlineData("void M() { lock (_g) { Work(); } }", true)]
    [InlineData("void M() { _rw.EnterWriteLock(); Work(); }", true)]
    [InlineData("void M() { using (_l.EnterScope()) { Work(); } }", true)]
    [InlineData("void M() { Work(); } void N() { lock (_g) { } }", false)]
    [InlineData("void M() { Blocked(); Work(); }", false)]
    public void A_member_may_hold_locks_only_when_its_own_text_names_a_lock(string members, bool expected)
    {
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class C { " + members + " }");
        var work = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>()
            .First(invocation => invocation.ToString() == "Work()");

        Assert.Equal(expected, LockFacts.MemberMayHoldLocks(work));
    }

    [Theory]
    [InlineData("class A { void M() { lock (this) { } } } class B { void M() { } }", "A", true)]
    [InlineData("class A { void M() { lock (this) { } } } class B { void M() { } }", "B", false)]
    [InlineData("class A { class Inner { void M() { Monitor.Enter(this); } } } class B { }", "A", true)]
    [InlineData("partial class A { void M() { } } partial class A { void N() { _rw.EnterReadLock(); } }", "A", true)]
    [InlineData("partial class A { void M() { Blocked(); } } partial class A { }", "A", false)]
    public void A_type_may_hold_locks_when_the_text_of_any_of_its_declarations_names_a_lock(string source, string typeName, bool expected)
    {
        // Only declarations and text matter: names the snippets leave undefined are fine.
        var compilation = AnalyzerRunner.Compile(new[] { ConcurrencyTestHelper.Usings + source });
        var type = compilation.GetTypeByMetadataName(typeName)!;
        Assert.Equal(expected, LockFacts.TypeMayHoldLocks(type));
    }
}
