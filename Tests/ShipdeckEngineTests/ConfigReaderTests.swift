import Foundation
import Testing
@testable import ShipdeckEngine

@Suite struct ConfigReaderTests {
    let reader = ConfigReader(file: "/m/shipdeck.yml")

    @Test func readsEveryFoundationKey() throws {
        let config = try reader.parse("""
            project: tool
            main: ./cmd/tool
            binary: toolbin
            version_variable: example.com/tool/internal.Version
            targets:
              - linux/amd64
              - linux/arm/7
              - target: windows/amd64
                env: { FOO: bar }
            env: [GOEXPERIMENT=loopvar]
            flags: [-mod=readonly]
            ldflags: [-extldflags=-static]
            tags: [netgo, osusergo]
            archive:
              format: zip
              files: [README.md]
            checksum:
              name: SHA256SUMS
            """)
        #expect(config.project == "tool")
        #expect(config.main == "./cmd/tool")
        #expect(config.binary == "toolbin")
        #expect(config.versionVariable == "example.com/tool/internal.Version")
        #expect(config.targets.map(\.target.description) == ["linux/amd64", "linux/arm/7", "windows/amd64"])
        #expect(config.targets[2].env == ["FOO": "bar"])
        #expect(config.env == ["GOEXPERIMENT": "loopvar"])
        #expect(config.flags == ["-mod=readonly"])
        #expect(config.tags == ["netgo", "osusergo"])
        #expect(config.archive.format == .zip)
        #expect(config.checksumName == "SHA256SUMS")
        #expect(config.targets[1].line == 7)
    }

    @Test func emptyFileIsZeroConfig() throws {
        let config = try reader.parse("")
        #expect(config.targets.map(\.target) == BuildTarget.defaults)
        #expect(config.versionVariable == "main.version")
    }

    @Test func invalidYAMLNamesFileAndLine() {
        let error = #expect(throws: ShipdeckError.self) {
            try reader.parse("project: x\ntargets:\n  - linux/amd64\n - bad: [\n")
        }
        #expect(error?.message.contains("/m/shipdeck.yml") == true)
        #expect(error?.message.contains("invalid YAML") == true)
        #expect(error?.message.contains("line 4") == true)
    }

    @Test func unknownKeyNamesKeyLineAndNearestKey() {
        let error = #expect(throws: ShipdeckError.self) { try reader.parse("project: x\ntargest:\n  - linux/amd64\n") }
        #expect(error?.message == "/m/shipdeck.yml:2: targest: unknown key 'targest'")
        #expect(error?.hint?.contains("did you mean 'targets'") == true)
    }

    @Test func unknownNestedKeyIsNamedWithItsPath() {
        let error = #expect(throws: ShipdeckError.self) { try reader.parse("archive:\n  fromat: zip\n") }
        #expect(error?.message.contains(":2: archive.fromat: unknown key") == true)
    }

    @Test func malformedTargetIsAnError() {
        let error = #expect(throws: ShipdeckError.self) { try reader.parse("targets: [linux]\n") }
        #expect(error?.message.contains("'linux' is not goos/goarch") == true)
    }

    @Test func ignoreRulesDropTargetsAndSayWhich() throws {
        let config = try reader.parse("""
            targets: [linux/amd64, linux/arm64, windows/amd64, windows/arm64]
            ignore: ["windows/arm64", "*/amd64"]
            """)
        #expect(config.targets.map(\.target.description) == ["linux/arm64"])
        #expect(config.ignored.map(\.target.description) == ["windows/arm64", "linux/amd64", "windows/amd64"])
        #expect(config.ignored.map(\.rule) == ["windows/arm64", "*/amd64", "*/amd64"])
    }

    @Test func wrongValueTypeIsAnError() {
        let error = #expect(throws: ShipdeckError.self) { try reader.parse("project: [a, b]\n") }
        #expect(error?.message.contains(":1: project: expected a single value") == true)
    }
}

@Suite struct SuggestionTests {
    @Test func transpositionIsOneEdit() {
        #expect(Suggestions.distance("amd46", "amd64") == 1)
        #expect(Suggestions.closest(to: "linux/amd46", in: ["linux/amd64", "linux/arm64", "windows/amd64"]).first == "linux/amd64")
    }

    @Test func farWordsAreNotSuggested() {
        #expect(Suggestions.closest(to: "zzzzzz", in: ["project", "targets"]).isEmpty)
    }
}
