import Foundation
import Testing
@testable import ShipdeckEngine

/// The pure parts of SBOMs: reading `go version -m`, purls, deterministic identifiers, `sbom:` config.
@Suite struct SBOMDocumentTests {
    static let output = """
        /tmp/w/hello: go1.22.3
        \tpath\texample.com/hello/cmd/hello
        \tmod\texample.com/hello\t(devel)\t
        \tdep\tgolang.org/x/text\tv0.14.0\th1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=
        \tdep\texample.com/local\tv0.0.0-00010101000000-000000000000\t
        \t=>\t../local\t\t
        \tdep\texample.com/fork\tv1.0.0\th1:aaaa
        \t=>\texample.com/other\tv1.2.0\th1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=
        \tbuild\t-buildmode=exe
        \tbuild\t-ldflags="-s -w -X \\"main.version=1.0\\""
        \tbuild\tCGO_ENABLED=0
        \tbuild\tGOOS=linux

        """

    @Test func parsesModulesReplacementsAndQuotedSettings() throws {
        let info = try GoBuildInfo.parse(Self.output, file: "hello")
        #expect(info.goVersion == "go1.22.3")
        #expect(info.path == "example.com/hello/cmd/hello")
        #expect(info.main == GoBuildInfo.Module(path: "example.com/hello", version: "(devel)"))
        #expect(info.dependencies.map(\.path) == ["golang.org/x/text", "example.com/local", "example.com/fork"])
        #expect(info.dependencies[0].sum == "h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=")
        #expect(info.dependencies[1].replacement?.path == "../local")
        #expect(info.dependencies[1].effectiveSum == nil, "a local replacement has no sum")
        #expect(info.dependencies[2].effectiveVersion == "v1.2.0")
        #expect(info.dependencies[2].effectiveSum == "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        #expect(info.setting("-ldflags") == "-s -w -X \"main.version=1.0\"")
        #expect(info.setting("CGO_ENABLED") == "0")
        #expect(info.settings.map(\.key) == ["-buildmode", "-ldflags", "CGO_ENABLED", "GOOS"])
    }

    @Test func outputWithoutBuildInformationIsAnErrorNamingTheFile() {
        #expect(throws: ShipdeckError.self) { try GoBuildInfo.parse("", file: "hello") }
    }

    @Test func anH1SumIsTheHexOfItsSHA256() {
        #expect(GoBuildInfo.hexDigest(ofH1: "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(GoBuildInfo.hexDigest(ofH1: "h1:aaaa") == nil)
        #expect(GoBuildInfo.hexDigest(ofH1: "h2:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=") == nil)
    }

    @Test func purlsSplitThePathAndEncodeTheVersion() {
        #expect(PackageURL.golang(module: "golang.org/x/text", version: "v0.14.0") == "pkg:golang/golang.org/x/text@v0.14.0")
        #expect(PackageURL.golang(module: "example.com/a", version: "v0.0.0-dev+abc") == "pkg:golang/example.com/a@v0.0.0-dev%2Babc")
        #expect(PackageURL.golang(module: "example.com/a", version: "(devel)") == "pkg:golang/example.com/a")
        #expect(PackageURL.goStandardLibrary(goVersion: "go1.22.3") == "pkg:golang/stdlib@1.22.3")
    }

    static let subject = SBOMSubject(fileName: "hello_1.0.0_linux_amd64", sha256: String(repeating: "ab", count: 32),
                                     project: "hello", version: "1.0.0", modulePath: "example.com/hello",
                                     sourceDateEpoch: 1_704_164_645, shipdeckVersion: "0.1.0")

    @Test func theSerialIsAVersion5UUIDOfTheReleaseValues() {
        let uuid = Self.subject.uuid
        #expect(uuid.range(of: #"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"#,
                           options: .regularExpression) != nil, "\(uuid)")
        #expect(uuid == Self.subject.uuid)
        var other = Self.subject
        other.sha256 = String(repeating: "cd", count: 32)
        #expect(other.uuid != uuid)
        // RFC 9562 appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
        let dns: [UInt8] = [0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]
        #expect(SBOMSubject.uuidV5(namespace: dns, name: "www.example.com") == "2ed6657d-e927-568b-95e1-2665a8aea6a2")
    }

    @Test func timestampsComeFromSourceDateEpoch() {
        #expect(Self.subject.timestamp == "2024-01-02T03:04:05Z")
        #expect(Self.subject.moduleVersion == "v1.0.0")
    }

    @Test func documentsAreTheSameBytesForTheSameInputs() throws {
        let info = try GoBuildInfo.parse(Self.output, file: "hello")
        #expect(try SPDXDocument.make(subject: Self.subject, info: info).encoded()
                == SPDXDocument.make(subject: Self.subject, info: info).encoded())
        let cdx = CycloneDXDocument.make(subject: Self.subject, info: info)
        #expect(cdx.components.map(\.bomRef) == ["pkg:golang/golang.org/x/text@v0.14.0",
                                                 "pkg:golang/example.com/local@v0.0.0-00010101000000-000000000000",
                                                 "pkg:golang/example.com/fork@v1.2.0", "pkg:golang/stdlib@1.22.3"])
        let spdx = SPDXDocument.make(subject: Self.subject, info: info)
        #expect(Set(spdx.packages.map(\.SPDXID)).count == spdx.packages.count, "unique SPDX ids")
    }

    @Test func sbomConfigAcceptsTrueAListOrAMappingAndNamesABadFormat() throws {
        let reader = ConfigReader(file: "/m/shipdeck.yml")
        #expect(try reader.parse("sbom: true\n").sbom?.formats == [.spdx, .cyclonedx])
        #expect(try reader.parse("sbom: false\n").sbom == nil)
        #expect(try reader.parse("sbom: [cyclonedx]\n").sbom?.formats == [.cyclonedx])
        #expect(try reader.parse("sbom: { formats: [spdx] }\n").sbom?.formats == [.spdx])
        let error = try #require(throws: ShipdeckError.self) { try reader.parse("sbom: [spdx, swid]\n") }
        #expect(error.message.contains("shipdeck.yml:1: sbom: unknown SBOM format 'swid'"), "\(error.message)")
        #expect(error.hint?.contains("spdx, cyclonedx") == true)
    }

    @Test func httpsSourceURLsFromRemotesWithoutCredentials() {
        let cases: [(String?, String?)] = [
            ("git@github.com:o/r.git", "https://github.com/o/r"),
            ("https://user:secret@github.com/o/r.git", "https://github.com/o/r"),
            ("ssh://git@example.com:2222/o/r", "https://example.com/o/r"),
            ("/srv/git/r.git", nil), ("file:///srv/git/r.git", nil), (nil, nil),
        ]
        for (remote, expected) in cases {
            #expect(ProvenanceStatement.httpsRepositoryURL(remote: remote) == expected, "\(remote ?? "nil")")
        }
        #expect(ProvenanceStatement.sourceURI(modulePath: "example.com/m", remote: nil, commit: "abc")
                == "git+https://example.com/m@abc")
    }
}
