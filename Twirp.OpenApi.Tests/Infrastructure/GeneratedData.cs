using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.OpenApi.Tests.Infrastructure;

/// <summary>OpenAPI data the generator emitted, compiled on their own (they need no message classes) and loaded into this process.</summary>
public static class GeneratedData
{
    /// <summary>Compiles <paramref name="trees"/>, loads the assembly and runs its module initializers, which register the data.</summary>
    public static Assembly CompileAndRegister(string assemblyName, IEnumerable<SyntaxTree> trees)
    {
        var compilation = CSharpCompilation.Create(assemblyName, trees, GeneratorHarness.DefaultReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.That(emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).Take(20), Is.Empty);
        var assembly = Assembly.Load(image.ToArray());
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        return assembly;
    }
}
