import Foundation
import Testing

@testable import ShipdeckEngine

/// The text checks a config passes before Yams parses it.
@Suite struct ConfigPreflightTests {
    @Test func aRealisticConfigPasses() throws {
        let yaml = """
            project: hello
            targets:
              - linux/amd64
              - target: windows/amd64
                env: { FOO: "[[[[[[[[[[" }
            archive:
              files: [README*, 'docs/[ab]*']
            notes: |
              [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
              {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{
            ldflags: ["-X main.a=b"]  # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
            """
        try ConfigPreflight.checkDepth(yaml, file: "shipdeck.yml")
    }

    @Test func deepFlowBlockAndSequenceNestingAreRefused() {
        let deep = [
            "x: " + String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
            (0..<70).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n"),
            String(repeating: "- ", count: 70) + "x",
        ]
        for text in deep {
            #expect(throws: ShipdeckError.self) { try ConfigPreflight.checkDepth(text, file: "f.yml") }
        }
    }

    @Test func duplicateKeysAreFoundAtEveryLevel() throws {
        let reader = ConfigReader(file: "shipdeck.yml")
        #expect(
            throws: ShipdeckError(
                .config, "shipdeck.yml:4: duplicate key 'targets[].env.A' (first at line 3)",
                hint: "keep one of lines 3 and 4: YAML keys must be unique in a mapping")
        ) {
            _ = try reader.parse("targets:\n  - target: linux/amd64\n    env: { A: x,\n      A: y }\n")
        }
    }

    @Test func controlCharactersAndBadUTF8AreNamedByOffset() throws {
        #expect(throws: ShipdeckError.self) { try ConfigPreflight.text(of: Data([0x61, 0x00]), file: "f") }
        do {
            _ = try ConfigPreflight.text(of: Data([0x61, 0x3a, 0x20, 0xf0, 0x28]), file: "f")
            Issue.record("no error")
        } catch let error as ShipdeckError {
            #expect(error.message == "f:1: invalid UTF-8 at byte 3 (0xf0)", "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
        #expect(
            try ConfigPreflight.text(of: Data([0xef, 0xbb, 0xbf] + Array("a: b\r\n".utf8)), file: "f") == "a: b\r\n")
    }
}

/// Aliases of aliases expand to more values than any config has; the walk that finds it stops early.
@Suite struct ConfigAliasExpansionTests {
    @Test func aBillionLaughsIsRefusedQuickly() throws {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(refs)]")
        }
        lines.append("project: hello")
        let text = lines.joined(separator: "\n")
        #expect(throws: ShipdeckError.self) { _ = try ConfigPreflight.compose(text, file: "shipdeck.yml") }
        do {
            _ = try ConfigPreflight.compose(text, file: "shipdeck.yml")
        } catch let error as ShipdeckError {
            #expect(error.message.contains("expands to more than 1000000 values"), "\(error.message)")
        }
        // A config with a few aliases below the limit still reads.
        let fine = "base: &b {goos: linux}\nx: *b\ny: *b\nproject: hello\n"
        #expect(try ConfigPreflight.compose(fine, file: "shipdeck.yml") != nil)
    }
}
