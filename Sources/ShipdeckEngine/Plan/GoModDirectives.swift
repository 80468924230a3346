/// The file paths of go.mod and go.work directives, read as go reads them (`replace A => ../lib`,
/// `replace ( … )` blocks, `use ./lib`, `use ( … )`), for the fingerprint: the folders they name
/// hold sources the build reads.
enum GoModDirectives {
    /// For `replace`: each right-hand side that is a file path (go's rule: it starts with `./`, `../`
    /// or `/`, or is `.` or `..`). For `use`: every argument, since `use` only takes folders.
    static func localPaths(_ text: String, keyword: String) -> [String] {
        var paths: [String] = []
        var inBlock = false
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var words = tokens(String(rawLine))
            if inBlock {
                if words.first == ")" {
                    inBlock = false
                    continue
                }
            } else {
                guard words.first == keyword else { continue }
                words.removeFirst()
                if words == ["("] {
                    inBlock = true
                    continue
                }
            }
            if keyword == "use" {
                paths += words
            } else if let arrow = words.firstIndex(of: "=>"), arrow + 1 < words.count {
                let target = words[arrow + 1]
                if isFilePath(target) { paths.append(target) }
            }
        }
        return paths
    }

    static func isFilePath(_ path: String) -> Bool {
        path == "." || path == ".." || path.hasPrefix("./") || path.hasPrefix("../") || path.hasPrefix("/")
    }

    /// The words of one line: `//` starts a comment, "…" and `…` quote a word.
    static func tokens(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var escaped = false
        var previous: Character?
        var hasWord = false
        for char in line {
            if let open = quote {
                if escaped {
                    current.append(char)
                    escaped = false
                } else if char == "\\" && open == "\"" {
                    escaped = true
                } else if char == open {
                    quote = nil
                } else {
                    current.append(char)
                }
                previous = char
                continue
            }
            if char == "/" && previous == "/" {
                current.removeLast()
                if current.isEmpty && !hasWord { break }
                break
            }
            if char == "\"" || char == "`" {
                quote = char
                hasWord = true
            } else if char == " " || char == "\t" || char == "\r" {
                if hasWord || !current.isEmpty { words.append(current) }
                current = ""
                hasWord = false
            } else {
                current.append(char)
                hasWord = true
            }
            previous = char
        }
        if hasWord || !current.isEmpty, !(current.isEmpty && !hasWord) { words.append(current) }
        return words.filter { !$0.isEmpty }
    }
}
