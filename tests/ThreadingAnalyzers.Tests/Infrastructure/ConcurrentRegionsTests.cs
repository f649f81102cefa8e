using System.Linq;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Tests.Infrastructure;

public class ConcurrentRegionsTests
{
    [Theory]
    [InlineData("new Thread(() => { /*w*/count++; }).Start();", "Thread", "new Thread")]
    [InlineData("ThreadPool.QueueUserWorkItem(_ => { /*w*/count++; });", "ThreadPool", "ThreadPool.QueueUserWorkItem")]
    [InlineData("ThreadPool.UnsafeQueueUserWorkItem(_ => { /*w*/count++; }, null);", "ThreadPool", "ThreadPool.UnsafeQueueUserWorkItem")]
    [InlineData("Task.Run(() => { /*w*/count++; });", "Task", "Task.Run")]
    [InlineData("Task.Factory.StartNew(() => { /*w*/count++; });", "Task", "Task.Factory.StartNew")]
    [InlineData("new Task(() => { /*w*/count++; }).Start();", "Task", "new Task")]
    [InlineData("Parallel.For(0, 10, i => { /*w*/count++; });", "Parallel", "Parallel.For")]
    [InlineData("Parallel.ForEach(new[] { 1, 2 }, i => { /*w*/count++; });", "Parallel", "Parallel.ForEach")]
    [InlineData("Parallel.Invoke(() => { /*w*/count++; }, () => { });", "Parallel", "Parallel.Invoke")]
    [InlineData("new[] { 1, 2 }.AsParallel().ForAll(i => { /*w*/count++; });", "ParallelQuery", "PLINQ ForAll")]
    [InlineData("new[] { 1, 2 }.AsParallel().Select(i => /*w*/count++).ToList();", "ParallelQuery", "PLINQ Select")]
    [InlineData("var t = new Timer(_ => { /*w*/count++; }, null, 0, 100);", "Timer", "Timer")]
    [InlineData("var t = new System.Timers.Timer(100); t.Elapsed += (s, e) => { /*w*/count++; };", "Timer", "Timer.Elapsed")]
    public void Every_kind_of_start_makes_a_region(string statement, string kind, string starter)
    {
        var helper = ConcurrencyTestHelper.Create("class C { int count; void M() { " + statement + " } }");
        var entry = helper.Entry("w");
        Assert.Equal(kind, entry.Region.Kind.ToString());
        Assert.Equal(starter, entry.Region.Starter);
        Assert.Equal(0, entry.Depth);
    }

    [Fact]
    public void Parallel_localInit_and_localFinally_are_regions_with_their_role()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int total;
                void M()
                {
                    Parallel.For(0, 10, () => /*init*/0, (i, state, local) => /*body*/local + i, local => { /*fin*/total += local; });
                }
            }
            """);
        Assert.Equal(RegionRole.LocalInit, helper.Entry("init").Region.Role);
        Assert.Equal(RegionRole.Body, helper.Entry("body").Region.Role);
        Assert.Equal(RegionRole.LocalFinally, helper.Entry("fin").Region.Role);
        Assert.True(helper.Entry("fin").Region.IsSelfConcurrent);
    }

    [Fact]
    public void Code_outside_any_start_is_in_no_region()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int count;
                event EventHandler Clicked;
                void M(List<int> items)
                {
                    /*plain*/count++;
                    items.ForEach(i => /*foreach*/count++);
                    Clicked += (s, e) => /*handler*/count++;
                    Action a = () => /*delegate*/count++;
                    a();
                }
            }
            """);
        Assert.Empty(helper.Entries("plain"));
        Assert.Empty(helper.Entries("foreach"));
        Assert.Empty(helper.Entries("handler"));
        Assert.Empty(helper.Entries("delegate"));
    }

    [Fact]
    public void A_compilation_without_starts_has_no_regions()
    {
        var helper = ConcurrencyTestHelper.Create("class C { int n; void M() { n++; Run(); } void Run() { } }");
        Assert.Empty(helper.Model.GetRegions(default));
    }

    [Fact]
    public void Method_groups_and_delegate_locals_are_followed_to_their_bodies()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int count;
                void M()
                {
                    new Thread(Worker).Start();
                    ThreadStart work = () => { /*local*/count++; };
                    new Thread(work).Start();
                    void Inner() { /*inner*/count++; }
                    Task.Run(Inner);
                }

                void Worker() { /*method*/count++; }
            }
            """);
        Assert.Equal(RegionKind.Thread, helper.Entry("method").Region.Kind);
        Assert.Equal(RegionKind.Thread, helper.Entry("local").Region.Kind);
        Assert.Equal(RegionKind.Task, helper.Entry("inner").Region.Kind);
    }

    [Fact]
    public void Parallel_bodies_PLINQ_and_periodic_timers_are_self_concurrent()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int count;
                void M()
                {
                    Parallel.For(0, 10, i => { /*p*/count++; });
                    new[] { 1 }.AsParallel().ForAll(i => { /*q*/count++; });
                    var t = new Timer(_ => { /*t*/count++; }, null, 0, 100);
                    var u = new System.Timers.Timer(5);
                    u.Elapsed += (s, e) => { /*e*/count++; };
                }
            }
            """);
        Assert.Equal("every Parallel.For iteration", helper.Entry("p").Region.SelfConcurrencyReason);
        Assert.True(helper.Entry("q").Region.IsSelfConcurrent);
        Assert.True(helper.Entry("t").Region.IsSelfConcurrent);
        Assert.True(helper.Entry("e").Region.IsSelfConcurrent);
    }

    [Fact]
    public void One_shot_starts_are_not_self_concurrent()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int count;
                System.ComponentModel.ISynchronizeInvoke Sync = null!;
                void M()
                {
                    Task.Run(() => { /*run*/count++; });
                    new Thread(() => { /*thread*/count++; }).Start();
                    var t = new Timer(_ => { /*once*/count++; }, null, 100, Timeout.Infinite);
                    var u = new System.Timers.Timer(5) { AutoReset = false };
                    u.Elapsed += (s, e) => { /*noreset*/count++; };
                    var ui = new System.Timers.Timer(5);
                    ui.SynchronizingObject = null!;
                    var marshalled = new System.Timers.Timer(5);
                    marshalled.SynchronizingObject = Sync;
                    marshalled.Elapsed += (s, e) => { /*ui*/count++; };
                    Parallel.Invoke(() => { /*a*/count++; }, () => { /*b*/count--; });
                }
            }
            """);
        Assert.False(helper.Entry("run").Region.IsSelfConcurrent);
        Assert.False(helper.Entry("thread").Region.IsSelfConcurrent);
        Assert.False(helper.Entry("once").Region.IsSelfConcurrent);
        Assert.False(helper.Entry("noreset").Region.IsSelfConcurrent);
        Assert.False(helper.Entry("ui").Region.IsSelfConcurrent);
        Assert.False(helper.Entry("a").Region.IsSelfConcurrent);
        Assert.True(helper.Model.MayOverlap(helper.Entry("a").Region, helper.Entry("b").Region, default));
    }

    [Fact]
    public void Starts_in_loops_event_handlers_and_per_element_queries_are_self_concurrent()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int count;
                event EventHandler Clicked;
                void M(int[] items)
                {
                    for (var i = 0; i < 4; i++)
                    {
                        new Thread(() => { /*loop*/count++; }).Start();
                    }

                    Clicked += (s, e) => Task.Run(() => { /*event*/count++; });
                    var tasks = items.Select(x => Task.Run(() => { /*select*/count++; })).ToArray();
                    Parallel.For(0, 4, i => Task.Run(() => { /*nested*/count++; }));
                }
            }
            """);
        Assert.Equal("every new Thread started in the loop", helper.Entry("loop").Region.SelfConcurrencyReason);
        Assert.True(helper.Entry("event").Region.IsSelfConcurrent);
        Assert.True(helper.Entry("select").Region.IsSelfConcurrent);
        Assert.Contains(helper.Entries("nested"), e => e.Region.Kind == RegionKind.Task && e.Region.IsSelfConcurrent);
    }

    [Fact]
    public void A_start_in_a_loop_that_waits_for_each_run_is_not_self_concurrent()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int count;
                async Task M()
                {
                    for (var i = 0; i < 3; i++)
                    {
                        await Task.Run(() => { /*awaited*/count++; });
                        var t = new Thread(() => { /*joined*/count++; });
                        t.Start();
                        t.Join();
                        Task.Run(() => { /*waited*/count++; }).Wait();
                    }
                }
            }
            """);
        Assert.False(helper.Entry("awaited").Region.IsSelfConcurrent);
        Assert.False(helper.Entry("joined").Region.IsSelfConcurrent);
        Assert.False(helper.Entry("waited").Region.IsSelfConcurrent);
    }

    [Fact]
    public void The_same_method_started_twice_is_self_concurrent_unless_the_first_is_joined()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int count;
                void Twice()
                {
                    new Thread(Worker).Start();
                    new Thread(Worker).Start();
                }

                void Worker() { /*w*/count++; }
            }

            class D
            {
                int count;
                void Sequential()
                {
                    var a = new Thread(Work);
                    a.Start();
                    a.Join();
                    var b = new Thread(Work);
                    b.Start();
                }

                void Work() { /*s*/count++; }
            }
            """);
        Assert.All(helper.Entries("w"), e => Assert.True(e.Region.IsSelfConcurrent));
        Assert.All(helper.Entries("s"), e => Assert.False(e.Region.IsSelfConcurrent));
    }

    [Fact]
    public void Reach_follows_calls_into_methods_and_local_functions_up_to_the_depth_limit()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int count;
                void M()
                {
                    void Local() { /*local*/count++; L1(); }
                    new Thread(() => Local()).Start();
                }

                void L1() { /*d2*/count++; L2(); }
                void L2() { /*d3*/count++; L3(); }
                void L3() { /*d4*/count++; }
            }
            """);
        Assert.Equal(1, helper.Entry("local").Depth);
        Assert.Equal(2, helper.Entry("d2").Depth);
        Assert.Equal(3, helper.Entry("d3").Depth);
        Assert.Empty(helper.Entries("d4"));
        Assert.Equal(ConcurrencyModel.MaxReachDepth, helper.Entry("d3").Depth);
    }

    [Fact]
    public void Reach_crosses_files_and_types()
    {
        var helper = ConcurrencyTestHelper.Create(
            "class Program { static void Main() { var c = new Counter(); Parallel.For(0, 10, i => c.Increment()); } }",
            "class Counter { int value; public void Increment() { /*inc*/value++; } }");
        var entry = helper.Entry("inc");
        Assert.Equal(1, entry.Depth);
        Assert.Equal(RegionKind.Parallel, entry.Region.Kind);
        Assert.Equal(ThisSharing.Foreign, entry.This);
    }

    [Fact]
    public void A_call_made_under_a_lock_protects_the_reached_method()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                readonly object _sync = new object();
                int count;
                void M()
                {
                    Task.Run(() => { lock (_sync) { Update(); } });
                    Task.Run(() => Other());
                }

                void Update() { /*u*/count++; }
                void Other() { /*o*/count++; }
            }
            """);
        Assert.True(helper.Entry("u").ProtectedOnPath);
        Assert.False(helper.Entry("o").ProtectedOnPath);
    }

    [Fact]
    public void Objects_created_in_the_region_give_their_methods_a_fresh_this()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class Worker { int n; public void Run() { /*run*/n++; } }
            class C
            {
                void M()
                {
                    Task.Run(() => new Worker().Run());
                    for (var i = 0; i < 3; i++)
                    {
                        var w = new Worker();
                        new Thread(w.Run).Start();
                    }
                }
            }
            """);
        var entries = helper.Entries("run");
        Assert.Contains(entries, e => e.This == ThisSharing.Fresh);
        Assert.Contains(entries, e => e.This == ThisSharing.PerStart);
    }

    [Fact]
    public void Candidate_prefilter_accepts_starts_and_rejects_unrelated_calls()
    {
        static bool Candidate(string expression)
        {
            var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class C { void M() { " + expression + "; } }");
            return tree.GetRoot().DescendantNodes().Any(ConcurrencyModel.IsCandidateStart);
        }

        Assert.True(Candidate("Task.Run(() => 1)"));
        Assert.True(Candidate("System.Threading.Tasks.Parallel.For(0, 1, i => { })"));
        Assert.True(Candidate("new Thread(Work)"));
        Assert.True(Candidate("timer.Elapsed += OnTick"));
        Assert.True(Candidate("xs.AsParallel().Where(x => x > 0)"));
        Assert.False(Candidate("app.Run()"));
        Assert.False(Candidate("handler.Invoke(this, e)"));
        Assert.False(Candidate("list.ForEach(x => { })"));
    }
}
