import Foundation
import Testing
@testable import ShipdeckEngine

/// Scoop manifests are validated against Scoop's own schema.json (Tests/Fixtures/scoop-schema)
/// with the real `check-jsonschema`.
@Suite struct ScoopManifestTests {
    static let schema = PublishTestSupport.repositoryRoot.appendingPathComponent("Tests/Fixtures/scoop-schema/schema.json")

    static var checkJSONSchema: String? {
        ProcessRunner.which("check-jsonschema", path: (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/local/bin:/root/.pyenv/shims:/root/.local/bin")
    }

    func validate(_ data: Data) throws -> PublishTestSupport.Output {
        let tool = try #require(Self.checkJSONSchema, "check-jsonschema is missing: run scripts/bootstrap")
        let dir = PublishTestSupport.temporaryDirectory("scoop")
        defer { try? FileManager.default.removeItem(at: dir) }
        try data.write(to: dir.appendingPathComponent("hello.json"))
        return PublishTestSupport.run(tool, ["--schemafile", Self.schema.path, "hello.json"], in: dir)
    }

    @Test func theManifestValidatesAgainstScoopsSchema() throws {
        let data = try ScoopManifest(release: PublishTestSupport.sampleRelease()).render()
        let result = try validate(data)
        #expect(result.status == 0, "\(result.output)\n\(String(decoding: data, as: UTF8.self))")
    }

    @Test func theValidatorRejectsAManifestThatBreaksTheSchema() throws {
        // The same manifest with a hash that is not one: proves the check can fail.
        var release = PublishTestSupport.sampleRelease()
        release.downloads = release.downloads.map { var d = $0; d.sha256 = "not-a-hash"; return d }
        let result = try validate(try ScoopManifest(release: release).render())
        #expect(result.status != 0, "\(result.output)")
    }

    @Test func eachWindowsArchitectureHasItsURLAndHash() throws {
        let release = PublishTestSupport.sampleRelease()
        let json = try #require(
            try JSONSerialization.jsonObject(with: ScoopManifest(release: release).render()) as? [String: Any])
        #expect(json["version"] as? String == "1.2.3")
        #expect(json["description"] as? String == "Says hello")
        #expect(json["homepage"] as? String == "https://example.com/hello")
        #expect(json["license"] as? String == "MIT")
        #expect(json["bin"] as? String == "hello.exe")
        let arch = try #require(json["architecture"] as? [String: [String: String]])
        for (goarch, key) in [("amd64", "64bit"), ("386", "32bit"), ("arm64", "arm64")] {
            let d = release.downloads.first { $0.target == BuildTarget(goos: "windows", goarch: goarch) }!
            #expect(arch[key]?["url"] == d.url)
            #expect(arch[key]?["hash"] == d.sha256)
        }
        #expect(arch["arm64"]?["extract_dir"] == "hello_1.2.3_windows_arm64")
        #expect(arch["64bit"]?["extract_dir"] == nil)
    }

    @Test func aRawExeIsDownloadedUnderTheBinarysName() throws {
        var release = PublishTestSupport.sampleRelease()
        let i = release.downloads.firstIndex { $0.target == BuildTarget(goos: "windows", goarch: "amd64") }!
        release.downloads[i].fileName = "hello_1.2.3_windows_amd64.exe"
        release.downloads[i].url = "https://example.com/hello_1.2.3_windows_amd64.exe"
        let data = try ScoopManifest(release: release).render()
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let arch = try #require(json["architecture"] as? [String: [String: String]])
        #expect(arch["64bit"]?["url"] == "https://example.com/hello_1.2.3_windows_amd64.exe#/hello.exe")
        #expect(try validate(data).status == 0)
    }

    @Test func aLicenseAndAWindowsArchiveAreRequired() {
        var noLicense = PublishTestSupport.sampleRelease()
        noLicense.license = nil
        let error = #expect(throws: ShipdeckError.self) { try ScoopManifest(release: noLicense) }
        #expect(error?.hint?.contains("publish.scoop.license") == true)
        var noWindows = PublishTestSupport.sampleRelease()
        noWindows.downloads.removeAll { $0.target.goos == "windows" }
        #expect(throws: ShipdeckError.self) { try ScoopManifest(release: noWindows) }
    }

    @Test func theTopFolderOfAZipIsFound() throws {
        let dir = PublishTestSupport.temporaryDirectory("zip")
        defer { try? FileManager.default.removeItem(at: dir) }
        let wrapped = dir.appendingPathComponent("hello_1.2.3_windows_amd64")
        try FileManager.default.createDirectory(at: wrapped, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: wrapped.appendingPathComponent("hello.exe"))
        try Data("y".utf8).write(to: dir.appendingPathComponent("README.md"))
        #expect(PublishTestSupport.run("/usr/bin/zip", ["-qr", "w.zip", "hello_1.2.3_windows_amd64"], in: dir).status == 0)
        #expect(PublishTestSupport.run("/usr/bin/zip", ["-q", "flat.zip", "README.md", "hello_1.2.3_windows_amd64/hello.exe"], in: dir).status == 0)
        #expect(try ZipTopDirectory.of(dir.appendingPathComponent("w.zip")) == "hello_1.2.3_windows_amd64")
        #expect(try ZipTopDirectory.of(dir.appendingPathComponent("flat.zip")) == nil)
        #expect(throws: ShipdeckError.self) { try ZipTopDirectory.of(dir.appendingPathComponent("README.md")) }
    }
}
