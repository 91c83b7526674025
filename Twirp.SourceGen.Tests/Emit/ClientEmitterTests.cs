using System.Linq;
using Microsoft.CodeAnalysis;
using NUnit.Framework;
using Twirp.SourceGen.Emit;
using Twirp.SourceGen.Model;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Emit;

/// <summary>The client emitter, fed hand-built models so it is tested without the parser.</summary>
public class ClientEmitterTests
{
    private static ServiceModel Service(bool isInternal = false, bool isDeprecated = false, string csharpNamespace = "Acme.Billing", params MethodModel[] methods) => new(
        ProtoFilePath: "Protos/billing.proto",
        Package: "acme.billing.v1",
        Name: "Invoices",
        CSharpNamespace: csharpNamespace,
        HintNamePrefix: "acme.billing.v1.Invoices",
        ServerClassName: "InvoicesBase",
        ClientClassName: "InvoicesClient",
        MethodsClassName: "InvoicesTwirp",
        DefinitionFieldName: "s_twirpDefinition",
        IsInternal: isInternal,
        GenerateServer: false,
        GenerateClient: true,
        Comment: DocComment.None,
        IsDeprecated: isDeprecated,
        Methods: methods.ToEquatableArray());

    private static MethodModel Method(string name, bool isDeprecated = false, params string[] comment) => new(
        name, name, name + "Async", name, "acme.billing.v1." + name + "Request", "global::Acme.Billing." + name + "Request",
        "acme.billing.v1." + name + "Response", "global::Acme.Billing." + name + "Response",
        new DocComment(comment.ToEquatableArray()), isDeprecated);

    [Test]
    public void Internal_deprecated_service_gets_an_internal_obsolete_client_with_escaped_docs()
    {
        var service = Service(isInternal: true, isDeprecated: true, methods: new[]
        {
            Method("Create", comment: new[] { "Creates an invoice for <customer> & returns it.", "", "Idempotent." }),
            Method("Void", isDeprecated: true),
        });

        Snapshot.Verify(ClientEmitter.Emit(service), ClientEmitter.HintName(service));
    }

    [Test]
    public void Service_in_the_global_namespace_gets_a_client_without_a_namespace_block()
    {
        var service = Service(csharpNamespace: "", methods: new[] { Method("Get") });

        var source = ClientEmitter.Emit(service);

        Assert.That(source, Does.Not.Contain("namespace"));
        Assert.That(source, Does.Contain("public partial class InvoicesClient : global::Twirp.TwirpClient, global::Twirp.ITwirpClient<InvoicesClient>"));
    }

    [Test]
    public void Hint_name_is_the_service_full_name_and_distinct_from_the_server_and_methods_files()
    {
        var service = Service(methods: new[] { Method("Get") });

        Assert.That(ClientEmitter.HintName(service), Is.EqualTo("acme.billing.v1.Invoices.TwirpClient.g.cs"));
        Assert.That(ClientEmitter.HintName(service), Is.Not.EqualTo(ServerEmitter.HintName(service)).And.Not.EqualTo(MethodsEmitter.HintName(service)));
    }
}
