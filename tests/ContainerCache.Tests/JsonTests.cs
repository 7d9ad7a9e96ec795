namespace ContainerCache.Tests;

[TestClass]
public sealed class JsonTests
{
    [TestMethod]
    public void ReadsObjectsArraysStringsNumbersAndLiterals()
    {
        object? value = Json.Parse("""{ "a": [1, -2.5e1, true, false, null], "b": { "c": "x\"\\\/\n\u00e9" } }""");

        var a = Json.GetArray(value, "a")!;
        CollectionAssert.AreEqual(new object?[] { 1.0, -25.0, true, false, null }, a);
        Assert.AreEqual("x\"\\/\né", Json.GetString(value, "b", "c"));
        Assert.IsNull(Json.GetString(value, "b", "missing"));
        Assert.IsNull(Json.GetString(value, "a", "c"), "A path through an array is no string.");
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("{")]
    [DataRow("{\"a\" 1}")]
    [DataRow("[1,]")]
    [DataRow("{\"a\":1} x")]
    [DataRow("\"unterminated")]
    [DataRow("\"bad \\q escape\"")]
    [DataRow("nul")]
    [DataRow("\u0000")]
    public void Malformed_IsAFormatException(string text)
    {
        Assert.ThrowsExactly<FormatException>(() => Json.Parse(text));
        Assert.IsNull(Json.TryParseObject(text));
    }

    [TestMethod]
    public void DeepNesting_IsRefusedNotAStackOverflow()
    {
        Assert.ThrowsExactly<FormatException>(() => Json.Parse(new string('[', 100_000)));
    }

    [TestMethod]
    public void Quote_RoundTrips()
    {
        const string text = "tab\t quote\" backslash\\ control\u0001 é";
        Assert.AreEqual(text, Json.Parse(Json.Quote(text)));
    }

    [TestMethod]
    public void ArrayElements_ComeWithTheirSpans_AndOnlyFromAWellFormedArray()
    {
        const string text = """{ "E": [ {"R": "a,]"} ,  [1, 2], "x" ], "after": 1 }""";
        int start = text.IndexOf('[');
        var elements = Json.TryReadArrayElements(text, start)!;

        CollectionAssert.AreEqual(new[] { """{"R": "a,]"}""", "[1, 2]", "\"x\"" }, elements.Select(e => text[e.Start..e.End]).ToArray());
        Assert.AreEqual("a,]", Json.GetString(elements[0].Value, "R"));
        Assert.AreEqual(0, Json.TryReadArrayElements("[ ]", 0)!.Count);
        Assert.IsNull(Json.TryReadArrayElements(text, 0), "No array starts there.");
        Assert.IsNull(Json.TryReadArrayElements("""[ {"R": 1}, """, 0), "An array that does not end.");
        Assert.IsNull(Json.TryReadArrayElements("[1,,2]", 0));
    }
}
