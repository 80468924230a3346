import Foundation
import Yams

/// Checks a config file's bytes and shape before and right after the YAML parser sees it, so a
/// hostile or broken file is a clear error instead of a crash or a silent surprise:
///
/// - larger than `maximumSize`, or not UTF-8 text (the byte offset of the first bad byte), or
///   holding control characters (binary garbage): refused before parsing;
/// - nested deeper than `maximumDepth` (the parser recurses once per level and a file 10,000
///   levels deep overflows its stack): refused before parsing, naming the line;
/// - the same key twice in one mapping (`project:` twice): refused, naming both lines, where
///   YAML parsers silently keep one of them.
package enum ConfigPreflight {
    /// No Shipdeck or GoReleaser config comes near this.
    package static let maximumSize = 1 << 20
    /// Shipdeck's own schema needs 5 levels; GoReleaser files rarely more than 8.
    package static let maximumDepth = 64

    /// Reads a config file as text, refusing what is not a config.
    package static func read(_ url: URL, what: String = "config file") throws -> String {
        let path = url.path
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ShipdeckError(
                .config, "\(path): cannot read the \(what) (\(String(cString: strerror(errno))))",
                hint: "check the path given with --config")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ShipdeckError(
                .config, "\(path): the \(what) is not a regular file",
                hint: "point --config at a YAML file")
        }
        guard info.st_size <= maximumSize else {
            throw ShipdeckError(
                .config, "\(path): the \(what) is \(info.st_size) bytes; Shipdeck reads at most \(maximumSize)",
                hint: "a config is a few kilobytes of YAML: check that this is the right file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ShipdeckError(
                .config, "\(path): cannot read the \(what) (\(String(cString: strerror(errno))))",
                hint: "check its permissions (chmod u+r)")
        }
        defer { try? handle.close() }
        let data = handle.readData(ofLength: maximumSize + 1)
        guard data.count <= maximumSize else {
            throw ShipdeckError(
                .config, "\(path): the \(what) is larger than \(maximumSize) bytes",
                hint: "a config is a few kilobytes of YAML: check that this is the right file")
        }
        return try text(of: data, file: path)
    }

    /// Decodes `data` as UTF-8 text, naming the first byte that is not.
    package static func text(of data: Data, file: String) throws -> String {
        var bytes = [UInt8](data)
        // A UTF-8 byte order mark is text; the parser does not need it.
        if bytes.starts(with: [0xef, 0xbb, 0xbf]) { bytes.removeFirst(3) }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0, line = 1
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                if scalar.value == 0x0a { line += 1 }
                if (scalar.value < 0x20 && scalar.value != 0x09 && scalar.value != 0x0a && scalar.value != 0x0d)
                    || scalar.value == 0x7f
                {
                    throw ShipdeckError(
                        .config,
                        "\(file):\(line): byte \(offset) is a control character (\(hex(scalar.value))): this is not a YAML text file",
                        hint: "check that the file is the config (UTF-8 text) and not a binary or a damaged copy")
                }
                offset += encoded.count
            case .emptyInput:
                break loop
            case .error(let length):
                let shown = bytes[offset..<min(bytes.count, offset + max(length, 1))].map { hex(UInt32($0)) }.joined(
                    separator: " ")
                throw ShipdeckError(
                    .config, "\(file):\(line): invalid UTF-8 at byte \(offset) (\(shown))",
                    hint: "save the file as UTF-8 text (iconv -f LATIN1 -t UTF-8, or your editor's encoding setting)")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses YAML text into a node tree after the depth check, with duplicate keys refused.
    package static func compose(_ text: String, file: String) throws -> Node? {
        try checkDepth(text, file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ShipdeckError(
                .config, "\(file): invalid YAML: \(ConfigReader.describe(error))",
                hint: "fix the YAML syntax at that line (indentation, a missing ':' or quote)")
        }
        if let root {
            try checkSize(root, file: file)
            try checkDuplicateKeys(root, file: file, path: "")
        }
        return root
    }

    /// Nodes a config may expand to. Aliases share one parsed node, so a few lines of anchors
    /// (`a: &a [x, x]`, `b: &b [*a, *a]`, …) expand to billions of nodes that every later walk
    /// visits; real configs have a few thousand.
    package static let nodeLimit = 1_000_000

    /// Counts the expanded tree, stopping at the limit (the count itself stays cheap).
    static func checkSize(_ root: Node, file: String) throws {
        var count = 0
        var stack = [root]
        while let node = stack.popLast() {
            count += 1
            if count > nodeLimit {
                throw ShipdeckError(
                    .config,
                    "\(file): the YAML expands to more than \(nodeLimit) values (aliases of aliases, a \"billion laughs\")",
                    hint: "write the values out, or use fewer nested aliases (*name)")
            }
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    stack.append(key)
                    stack.append(value)
                }
            case .sequence(let sequence): stack.append(contentsOf: sequence)
            default: break
            }
        }
    }

    /// Estimates nesting from the text alone: block indentation levels plus `- ` markers plus open
    /// `[` / `{` (outside quotes and comments). Over-counting is harmless at this limit.
    package static func checkDepth(_ text: String, file: String) throws {
        var indents: [Int] = []
        var flow = 0
        var blockScalarIndent: Int?  // inside a `|` or `>` block: lines indented deeper than this
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Array(rawLine.utf8)
            let indent = line.prefix { $0 == 0x20 }.count
            let rest = line.dropFirst(indent)
            if rest.isEmpty || rest.first == UInt8(ascii: "#")
                || rest.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d })
            {
                continue
            }
            if let scalarIndent = blockScalarIndent {
                if indent > scalarIndent { continue }
                blockScalarIndent = nil
            }
            if flow == 0 {
                while let last = indents.last, indent < last { indents.removeLast() }
                if indents.last != indent { indents.append(indent) }
            }
            var dashes = 0
            var index = rest.startIndex
            while index < rest.endIndex, rest[index] == UInt8(ascii: "-"),
                index + 1 == rest.endIndex || rest[index + 1] == 0x20
            {
                dashes += 1
                index += 1
                while index < rest.endIndex, rest[index] == 0x20 { index += 1 }
            }
            var quote: UInt8?
            var previous: UInt8 = 0x20
            while index < rest.endIndex {
                let byte = rest[index]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "#"), previous == 0x20 || previous == 0x09 {
                    break
                } else if (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")),
                    " :[{,-".utf8.contains(previous) || index == rest.startIndex
                {
                    quote = byte
                } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                    flow += 1
                } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                    flow = max(0, flow - 1)
                }
                previous = byte
                index += 1
                let depth = indents.count + dashes + flow
                if depth > maximumDepth {
                    throw ShipdeckError(
                        .config, "\(file):\(lineNumber): the YAML is nested more than \(maximumDepth) levels deep",
                        hint: "a Shipdeck config needs a few levels: check that this is the right file")
                }
            }
            // `key: |`, `- >-`, `run: |2+`: the lines below that are indented deeper are text.
            if quote == nil, flow == 0,
                let word = String(decoding: rest[rest.startIndex..<index], as: UTF8.self)
                    .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).last,
                let first = word.first, first == "|" || first == ">",
                word.dropFirst().allSatisfy({ "+-0123456789".contains($0) })
            {
                blockScalarIndent = indent
            }
            if indents.count + dashes > maximumDepth {
                throw ShipdeckError(
                    .config, "\(file):\(lineNumber): the YAML is nested more than \(maximumDepth) levels deep",
                    hint: "a Shipdeck config needs a few levels: check that this is the right file")
            }
        }
    }

    /// YAML says keys in a mapping are unique; parsers differ in which duplicate they keep. Refuse.
    static func checkDuplicateKeys(_ node: Node, file: String, path: String) throws {
        switch node {
        case .mapping(let mapping):
            var seen: [String: Int] = [:]
            for (key, value) in mapping {
                let name = key.string ?? "?"
                let line = key.mark?.line ?? 0
                if let first = seen[name] {
                    let full = path.isEmpty ? name : "\(path).\(name)"
                    throw ShipdeckError(
                        .config, "\(file):\(line): duplicate key '\(full)' (first at line \(first))",
                        hint: "keep one of lines \(first) and \(line): YAML keys must be unique in a mapping")
                }
                seen[name] = line
                try checkDuplicateKeys(value, file: file, path: path.isEmpty ? name : "\(path).\(name)")
            }
        case .sequence(let sequence):
            for item in sequence { try checkDuplicateKeys(item, file: file, path: path + "[]") }
        default:
            break
        }
    }

    static func hex(_ value: UInt32) -> String { String(format: "0x%02x", value) }
}
