import Foundation

/// What `shipdeck verify` found, one line per file.
public struct VerifyReport: Sendable {
    public enum Status: String, Sendable, Comparable {
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

        public var isProblem: Bool { self == .mismatch || self == .missing || self == .unsigned || self == .extra }

        public static func < (a: Status, b: Status) -> Bool { a.rawValue < b.rawValue }
    }

    public struct Line: Sendable, Equatable {
        public var status: Status
        public var file: String
        public var detail: String?
    }

    public var lines: [Line] = []

    public var problems: [Line] { lines.filter { $0.status.isProblem } }
    public var isOK: Bool { problems.isEmpty && !lines.isEmpty }

    /// `OK        name  (detail)`, one per line, every untrusted piece escaped.
    public var text: String {
        lines.map { line in
            let status = line.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
            return "\(status) \(UntrustedText.escape(line.file))"
                + (line.detail.map { "  (\(UntrustedText.escape($0)))" } ?? "")
        }.joined(separator: "\n")
    }
}
