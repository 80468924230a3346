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

/// Names the reader can check without a toolchain: a typo is an error naming the near name, since
/// it would otherwise match nothing and be ignored.
@Suite struct ConfigReaderTypoTests {
    let reader = ConfigReader(file: "/m/shipdeck.yml")

    func failure(_ yaml: String) -> ShipdeckError? {
        do {
            _ = try reader.parse(yaml)
            return nil
        } catch {
            return error as? ShipdeckError
        }
    }

    @Test func misspeltFormatOverridesAndIgnoreRulesAreErrors() throws {
        let overrides = try #require(failure("targets: [linux/amd64]\narchive:\n  format_overrides: { windwos: zip }\n"))
        #expect(overrides.message.contains("archive.format_overrides.windwos: 'windwos' is not a GOOS Go knows"))
        #expect(overrides.hint?.contains("did you mean 'windows'?") == true, "\(overrides.hint ?? "")")
        let goos = try #require(failure("targets: [linux/amd64, windows/arm64]\nignore: [windwos/*]\n"))
        #expect(goos.message.contains("ignore: 'windwos' is not a GOOS Go knows"), "\(goos.message)")
        let goarch = try #require(failure("targets: [linux/amd64, windows/arm64]\nignore: ['*/amd46']\n"))
        #expect(goarch.hint?.contains("did you mean 'amd64'?") == true, "\(goarch.hint ?? "")")
        // Rules over real names still read, wildcards included.
        let config = try reader.parse(
            "targets: [linux/amd64, windows/arm64, linux/386]\nignore: ['*/386', windows/arm64]\n"
                + "archive:\n  format_overrides: { windows: zip }\n")
        #expect(config.targets.map(\.target.description) == ["linux/amd64"])
    }

    @Test func environmentNamesMustBeVariableNames() throws {
        let one = "targets: [linux/amd64]\n"
        for yaml in [
            one + "env: { 'FOO BAR': x }\n", one + "env: ['1X=y']\n", one + "env: { '': x }\n",
            "targets:\n  - target: linux/amd64\n    env: { 'A-B': x }\n",
        ] {
            let error = try #require(failure(yaml), "\(yaml)")
            #expect(error.message.contains("is not an environment variable name"), "\(error.message)")
        }
        let config = try reader.parse("targets: [linux/amd64]\nenv: { _A1: x, CGO_ENABLED: '0' }\n")
        #expect(config.env == ["_A1": "x", "CGO_ENABLED": "0"])
    }
}
