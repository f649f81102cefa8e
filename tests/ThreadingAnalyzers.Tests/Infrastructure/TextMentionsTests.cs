using Microsoft.CodeAnalysis.CSharp;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Tests.Infrastructure;

public class TextMentionsTests
{
    private static readonly string[] Words = { "Task", "Run" };

    private static bool MayMention(string text, bool implicitNew = false)
        => TextMentions.MayMention(CSharpSyntaxTree.ParseText(text), Words, implicitNew, default);

    [Theory]
    [InlineData("class C { void M() { Task.Run(() => { }); } }")]
    [InlineData("class C { object t = @Task; }")]
    [InlineData("// Run later\nclass C { }")]
    [InlineData("class C { object t = \\u0054ask.Factory; }")]
    public void A_whole_word_or_an_escape_may_mention(string text)
        => Assert.True(MayMention(text));

    [Theory]
    [InlineData("class C { void Tasks() { RunAll(); } }")]
    [InlineData("class C { int Running; string s = \"TaskRunner\"; }")]
    public void A_longer_word_does_not(string text)
        => Assert.False(MayMention(text));

    [Theory]
    [InlineData("class C { D d = new(() => { }); }")]
    [InlineData("class C { D d = new\n (x); }")]
    public void A_target_typed_new_counts_when_asked(string text)
    {
        Assert.True(MayMention(text, implicitNew: true));
        Assert.False(MayMention(text));
    }
}
