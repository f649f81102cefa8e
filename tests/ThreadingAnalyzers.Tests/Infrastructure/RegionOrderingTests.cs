using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Tests.Infrastructure;

public class RegionOrderingTests
{
    private static bool Runs(ConcurrencyTestHelper helper, string startMarker, string pointMarker)
        => helper.Model.MayRunDuring(helper.RegionStartedAt(startMarker), helper.Find(pointMarker), default);

    [Fact]
    public void A_thread_runs_between_Start_and_Join()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int n;
                void M()
                {
                    var t = /*start*/new Thread(() => n++);
                    /*before*/n = 1;
                    t.Start();
                    /*during*/n = 2;
                    t.Join();
                    /*after*/n = 3;
                }
            }
            """);
        Assert.False(Runs(helper, "start", "before"));
        Assert.True(Runs(helper, "start", "during"));
        Assert.False(Runs(helper, "start", "after"));
    }

    [Fact]
    public void Tasks_stop_at_Wait_WaitAll_Result_and_awaited_WhenAll()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int n;
                async Task M()
                {
                    var a = /*a*/Task.Run(() => n++);
                    a.Wait();
                    /*afterWait*/n = 1;

                    var b = /*b*/Task.Run(() => n++);
                    var c = /*c*/Task.Run(() => n++);
                    /*beforeAll*/n = 2;
                    Task.WaitAll(b, c);
                    /*afterAll*/n = 3;

                    var d = /*d*/Task.Run(() => 1);
                    var value = d.Result;
                    /*afterResult*/n = value;

                    var tasks = new List<Task>();
                    tasks.Add(/*e*/Task.Run(() => n++));
                    /*beforeWhenAll*/n = 4;
                    await Task.WhenAll(tasks);
                    /*afterWhenAll*/n = 5;
                }
            }
            """);
        Assert.False(Runs(helper, "a", "afterWait"));
        Assert.True(Runs(helper, "b", "beforeAll"));
        Assert.False(Runs(helper, "b", "afterAll"));
        Assert.False(Runs(helper, "c", "afterAll"));
        Assert.False(Runs(helper, "d", "afterResult"));
        Assert.True(Runs(helper, "e", "beforeWhenAll"));
        Assert.False(Runs(helper, "e", "afterWhenAll"));
    }

    [Fact]
    public void Threads_kept_in_a_list_stop_after_a_join_loop()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int n;
                void M()
                {
                    var threads = new List<Thread>();
                    for (var i = 0; i < 4; i++)
                    {
                        var t = /*start*/new Thread(() => n++);
                        threads.Add(t);
                        t.Start();
                        /*inLoop*/n = 1;
                    }

                    /*beforeJoin*/n = 2;
                    foreach (var t in threads)
                    {
                        t.Join();
                    }

                    /*afterJoin*/n = 3;
                }
            }
            """);
        Assert.True(Runs(helper, "start", "inLoop"));
        Assert.True(Runs(helper, "start", "beforeJoin"));
        Assert.False(Runs(helper, "start", "afterJoin"));
    }

    [Fact]
    public void Parallel_calls_and_awaited_tasks_never_run_beside_their_creator()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int n;
                async Task M()
                {
                    /*p*/Parallel.For(0, 4, i => n++);
                    /*afterParallel*/n = 1;
                    await /*t*/Task.Run(() => n++);
                    /*afterAwait*/n = 2;
                    /*w*/Task.Run(() => n++).Wait();
                    /*afterWait*/n = 3;
                }
            }
            """);
        Assert.True(helper.RegionStartedAt("p").JoinedAtStart);
        Assert.False(Runs(helper, "p", "afterParallel"));
        Assert.False(Runs(helper, "t", "afterAwait"));
        Assert.False(Runs(helper, "w", "afterWait"));
    }

    [Fact]
    public void A_start_in_a_loop_runs_during_the_next_pass_before_the_start()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int n;
                void M()
                {
                    for (var i = 0; i < 3; i++)
                    {
                        /*top*/n = i;
                        /*start*/Task.Run(() => n++);
                    }
                }
            }
            """);
        Assert.True(Runs(helper, "start", "top"));
    }

    [Fact]
    public void Regions_of_one_creator_overlap_only_while_both_run()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int n;
                void M()
                {
                    var a = /*a*/new Thread(() => n++);
                    a.Start();
                    a.Join();
                    var b = /*b*/new Thread(() => n--);
                    b.Start();
                    var c = /*c*/new Thread(() => n--);
                    c.Start();
                }
            }
            """);
        Assert.False(helper.Model.MayOverlap(helper.RegionStartedAt("a"), helper.RegionStartedAt("b"), default));
        Assert.True(helper.Model.MayOverlap(helper.RegionStartedAt("b"), helper.RegionStartedAt("c"), default));
    }
}
