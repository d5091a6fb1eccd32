namespace SignalRChannels.TypeScript.Tests;

/// <summary>The generator's output for a set of C# shapes, compared with the expected TypeScript (Expected/shapes.ts).</summary>
public sealed class GeneratedOutputTests
{
    [Fact]
    public void Shapes_GenerateTheExpectedTypeScript()
    {
        var generated = Generator.Generate(Repository.ShapesAssembly, stringEnums: false);

        if (Environment.GetEnvironmentVariable("UPDATE_EXPECTED") == "1")
        {
            File.WriteAllText(Repository.ExpectedShapes, generated);
        }

        Assert.Equal(File.ReadAllText(Repository.ExpectedShapes).ReplaceLineEndings("\n"), generated);
    }

    [Fact]
    public void StringEnums_AreWrittenAsTheirNames()
    {
        var generated = Generator.Generate(Repository.ShapesAssembly, stringEnums: true);

        Assert.Contains("export type OrderState = \"Placed\" | \"Shipped\" | \"Delivered\";", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("export const OrderState", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void ANullableReference_IsNullable_AndANonNullableOne_IsNot()
    {
        var generated = Generator.Generate(Repository.ShapesAssembly, stringEnums: false);

        Assert.Contains("  note: string | null;", generated, StringComparison.Ordinal);
        Assert.Contains("  sku: string;", generated, StringComparison.Ordinal);
        Assert.Contains("  tags: (string | null)[];", generated, StringComparison.Ordinal);
        Assert.Contains("  parent: Category | null;", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckMode_FailsOnAStaleFile_AndPassesOnAFreshOne()
    {
        var file = Path.Combine(Path.GetTempPath(), $"channels-{Guid.NewGuid():N}.ts");
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            File.WriteAllText(file, "// stale\n");
            Assert.Equal(1, Generator.Run(["--assembly", Repository.ShapesAssembly, "--out", file, "--check"], output, error));
            Assert.Contains("error CHTS001: the generated TypeScript is stale", error.ToString(), StringComparison.Ordinal);
            Assert.Equal("// stale\n", File.ReadAllText(file));

            Assert.Equal(0, Generator.Run(["--assembly", Repository.ShapesAssembly, "--out", file], output, error));
            Assert.Equal(0, Generator.Run(["--assembly", Repository.ShapesAssembly, "--out", file, "--check"], output, error));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void UnknownArguments_AreRefusedWithUsage()
    {
        var error = new StringWriter();

        Assert.Equal(2, Generator.Run(["--assembly"], new StringWriter(), error));
        Assert.Contains("Usage", error.ToString(), StringComparison.Ordinal);
    }
}
