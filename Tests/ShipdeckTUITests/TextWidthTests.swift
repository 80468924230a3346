import Testing
@testable import ShipdeckTUI

@Suite("Display width")
struct TextWidthTests {
    @Test("CJK and emoji take two columns, combining marks none")
    func widths() {
        #expect(TextWidth.of("abc") == 3)
        #expect(TextWidth.of("构建") == 4)
        #expect(TextWidth.of("🚀") == 2)
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.of("✔▶·⊘✘") == 5)
    }

    @Test("clipping never splits a wide character and pads to the exact width")
    func clipping() {
        #expect(TextWidth.clip("构建失败", to: 5) == "构建")
        #expect(TextWidth.pad("构建失败", to: 5) == "构建 ")
        #expect(TextWidth.clip("hello world", to: 8, ellipsis: "…") == "hello w…")
        #expect(TextWidth.clip("构建失败", to: 5, ellipsis: "…") == "构建…")
        #expect(TextWidth.padLeft("42", to: 5) == "   42")
    }

    @Test("tabs expand to the next multiple of eight columns")
    func tabs() {
        #expect(TextWidth.expandTabs("ok\texample") == "ok      example")
        #expect(TextWidth.expandTabs("构\tx") == "构      x")
    }

    @Test("wide characters keep the columns after them aligned on the in-memory screen")
    func alignment() {
        let screen = GridScreen(width: 20, height: 3)
        screen.put("构建失败|", row: 0, column: 0, style: .normal)
        screen.put("abcdefgh|", row: 1, column: 0, style: .normal)
        screen.put("🚀🚀🚀🚀|", row: 2, column: 0, style: .normal)
        let bars = screen.lines.map { line -> Int in
            TextWidth.of(String(line[..<line.firstIndex(of: "|")!]))
        }
        #expect(bars == [8, 8, 8])
        // Overwriting half of a wide character blanks the other half.
        screen.put("x", row: 0, column: 1, style: .normal)
        #expect(screen.lines[0].hasPrefix(" x建"))
    }
}
