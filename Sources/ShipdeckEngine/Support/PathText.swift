/// Path arithmetic on text, without NSString: on Linux, swift-corelibs-foundation's
/// `deletingLastPathComponent` stops the process (SIGILL) for a one-character path such as "a",
/// "x/" or "é" (Swift 6.3.1), and archive entries, package paths and templates meet such names.
enum PathText {
    /// The path without its last component: "a/b" → "a", "a/b/" → "a", "a" → "", "/a" → "/",
    /// "/" → "/", "" → "" (what NSString's `deletingLastPathComponent` gives where it works).
    static func parent(_ path: String) -> String {
        var text = Substring(path)
        while text.count > 1, text.hasSuffix("/") { text = text.dropLast() }
        guard let slash = text.lastIndex(of: "/") else { return "" }
        var head = text[..<slash]
        while head.hasSuffix("/") { head = head.dropLast() }
        return head.isEmpty ? "/" : String(head)
    }

    /// Go's `path.Dir`: everything before the last "/", cleaned; "." when there is none.
    /// "a/b/c" → "a/b", "a/b/" → "a/b", "a" → ".", "/a" → "/", "" → ".".
    static func goDir(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return goClean(String(path[...slash]))
    }

    /// Go's `path.Clean`: one "/" between names, no "." names, ".." taken back lexically,
    /// no trailing "/" (but "/" itself); "." for an empty result.
    static func goClean(_ path: String) -> String {
        let rooted = path.hasPrefix("/")
        var names: [Substring] = []
        for name in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch name {
            case ".": continue
            case "..":
                if let last = names.last, last != ".." {
                    names.removeLast()
                } else if !rooted {
                    names.append(name)
                }
            default: names.append(name)
            }
        }
        let joined = names.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
