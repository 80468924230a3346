import Foundation
import Testing

@testable import ShipdeckModel

/// `UntrustedText.escapingInvisibleControls(inJSON:)`: what JSONEncoder leaves raw becomes `\uXXXX`,
/// and the JSON still decodes to the same text.
@Suite struct UntrustedTextJSONTests {
    struct Box: Codable, Equatable { var text: String }

    func encode(_ text: String) throws -> Data {
        try UntrustedText.escapingInvisibleControls(inJSON: JSONEncoder().encode(Box(text: text)))
    }

    @Test func c1BidiDelAndLineSeparatorsAreEscaped() throws {
        let text =
            "a\u{9b}31m \u{80}\u{9f} \u{202a}\u{202e} \u{2066}\u{2069} \u{200e}\u{200f}\u{61c} \u{2028}\u{2029} \u{7f} z"
        let data = try encode(text)
        let json = String(decoding: data, as: UTF8.self)
        #expect(
            json
                == #"{"text":"a\u009b31m \u0080\u009f \u202a\u202e \u2066\u2069 \u200e\u200f\u061c \u2028\u2029 \u007f z"}"#
        )
        #expect(data.allSatisfy { $0 < 0x7f }, "only ASCII is left")
        #expect(try JSONDecoder().decode(Box.self, from: data) == Box(text: text))
    }

    @Test func otherTextIsUntouched() throws {
        // Neighbours of the escaped ranges: U+00A0, U+2030 (E2 80 B0), U+2065, U+206A, U+0600, and wide text.
        let text = "caf\u{e9} \u{a0} \u{2030} \u{2065}\u{206a} \u{600} 构建 🚀 \u{1b}[31m"
        let plain = try JSONEncoder().encode(Box(text: text))
        let data = try encode(text)
        #expect(data == plain)
        #expect(try JSONDecoder().decode(Box.self, from: data) == Box(text: text))
    }
}
