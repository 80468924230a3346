import Foundation

/// What `shipdeck verify` found, one line per file.
package struct VerifyReport: Sendable {
    package enum Status: String, Sendable, Comparable {
        /// The file is there, its hash matches, and (where it should be) a signature covers it.
        case ok = "OK"
        /// The hash, a signature or the provenance does not match.
        case mismatch = "MISMATCH"
        /// A file that checksums.txt or artifacts.json lists is not there.
        case missing = "MISSING"
        /// The hash matches but no verified signature covers the file.
        case unsigned = "UNSIGNED"
        /// A file in the folder that nothing lists and that is not Shipdeck's bookkeeping (an injected file).
        case extra = "EXTRA"
        /// A signature that was not checked because no key for it was given (informational).
        case skipped = "SKIPPED"

        package var isProblem: Bool { self == .mismatch || self == .missing || self == .unsigned || self == .extra }

        package static func < (a: Status, b: Status) -> Bool { a.rawValue < b.rawValue }
    }

    package struct Line: Sendable, Equatable {
        package var status: Status
        package var file: String
        package var detail: String?
    }

    package var lines: [Line] = []

    package var problems: [Line] { lines.filter { $0.status.isProblem } }
    package var isOK: Bool { problems.isEmpty && !lines.isEmpty }

    /// `OK        name  (detail)`, one per line, every untrusted piece escaped.
    package var text: String {
        lines.map { line in
            let status = line.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
            return "\(status) \(UntrustedText.escape(line.file))"
                + (line.detail.map { "  (\(UntrustedText.escape($0)))" } ?? "")
        }.joined(separator: "\n")
    }
}
