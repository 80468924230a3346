import Foundation

/// git's rules for a ref name (`git check-ref-format`), for a tag Shipdeck asks GitHub to create.
package enum GitRefName {
    /// Why `name` cannot be a git tag, in words; nil when it can.
    package static func problem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name == "@" { return "'@' alone is not a ref name" }
        if name.hasPrefix("-") { return "it starts with '-'" }
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0x20: return "it contains a space"
            case 0x00..<0x20, 0x7f: return "it contains a control character"
            default:
                if "~^:?*[\\".unicodeScalars.contains(scalar) { return "it contains '\(scalar)'" }
            }
        }
        if name.contains("..") { return "it contains '..'" }
        if name.contains("@{") { return "it contains '@{'" }
        if name.hasPrefix("/") || name.hasSuffix("/") || name.contains("//") {
            return "it starts or ends with '/' or contains '//'"
        }
        if name.hasSuffix(".") { return "it ends with '.'" }
        for component in name.split(separator: "/") {
            if component.hasPrefix(".") { return "a part starts with '.'" }
            if component.hasSuffix(".lock") { return "a part ends with '.lock'" }
        }
        return nil
    }
}
