import Foundation

/// Package URLs (purl, github.com/package-url/purl-spec) for Go modules: `pkg:golang/NAMESPACE/NAME@VERSION`,
/// where the module path's last element is the name and the elements before it the namespace.
package enum PackageURL {
    /// `pkg:golang/golang.org/x/text@v0.14.0`
    package static func golang(module path: String, version: String?) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map { encode(String($0)) }
        var purl = "pkg:golang/" + segments.joined(separator: "/")
        if let version, !version.isEmpty, version != "(devel)" { purl += "@" + encode(version) }
        return purl
    }

    /// The Go standard library and runtime, as SBOM tools name it: `pkg:golang/stdlib@1.22.3`.
    package static func goStandardLibrary(goVersion: String) -> String {
        "pkg:golang/stdlib@" + encode(goVersion.hasPrefix("go") ? String(goVersion.dropFirst(2)) : goVersion)
    }

    /// Percent-encodes everything but the purl-safe characters (RFC 3986 unreserved).
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
