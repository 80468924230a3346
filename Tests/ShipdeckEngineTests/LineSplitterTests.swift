import Foundation
import Testing
@testable import ShipdeckEngine

@Suite struct LineSplitterTests {
    func push(_ splitter: inout LineSplitter, _ bytes: [UInt8]) -> [String] {
        bytes.withUnsafeBytes { splitter.push($0) }
    }

    @Test func partialLinesWaitForTheirNewline() {
        var splitter = LineSplitter(maxLineBytes: 100)
        #expect(push(&splitter, Array("ab\ncd".utf8)) == ["ab"])
        #expect(push(&splitter, Array("e\r\nf".utf8)) == ["cde"])
        #expect(splitter.finish() == ["f"])
    }

    @Test func invalidUTF8IsRepaired() {
        var splitter = LineSplitter(maxLineBytes: 100)
        #expect(push(&splitter, [0x61, 0xff, 0xfe, 0x62, 0x0a]) == ["a\u{fffd}\u{fffd}b"])
    }

    @Test func overlongLinesAreCut() {
        var splitter = LineSplitter(maxLineBytes: 4)
        #expect(push(&splitter, Array("abcdefghij".utf8)) == ["abcd", "efgh"])
        #expect(splitter.finish() == ["ij"])
    }

    @Test func checksumsFileIsSortedAndParsesBack() throws {
        let file = ChecksumsFile(entries: [("b", String(repeating: "1", count: 64)), ("a", String(repeating: "2", count: 64))])
        #expect(file.text == "\(String(repeating: "2", count: 64))  a\n\(String(repeating: "1", count: 64))  b\n")
        #expect(try ChecksumsFile.parse(file.text) == file)
        #expect(throws: ShipdeckError.self) { try ChecksumsFile.parse("nope  a\n") }
    }
}
