import ShipdeckModel

/// How each `StyleRole` looks: colours for 256- and 8-colour terminals plus attributes.
/// Themes are read from small text files (themes/README.md documents the format).
struct Theme: Equatable, Sendable {
    /// A colour in both tiers; -1 is the terminal's default.
    struct Color: Equatable, Sendable {
        var full: Int
        var eight: Int
        static let terminalDefault = Color(full: -1, eight: -1)
    }

    enum Attribute: String, CaseIterable, Sendable {
        case bold, dim, underline, reverse, standout, italic
    }

    struct Look: Equatable, Sendable {
        var foreground = Color.terminalDefault
        var background = Color.terminalDefault
        var attributes: [Attribute] = []
    }

    var name: String
    var looks: [StyleRole: Look]

    func look(_ role: StyleRole) -> Look { looks[role] ?? looks[.normal] ?? Look() }

    /// True when no role has a colour: such a theme keeps its own attributes without colour.
    var isColorless: Bool {
        looks.values.allSatisfy { $0.foreground == .terminalDefault && $0.background == .terminalDefault }
    }

    static let colorNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses a theme file's text. `source` names the file in errors.
    /// Every mistake of the file is reported at once, one per line, so a theme is fixed in one go.
    static func parse(_ text: String, source: String) throws -> Theme {
        var theme = Theme(name: source, looks: [:])
        var problems: [ShipdeckError] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            do {
                try parseLine(rawLine, number: number, source: source, into: &theme)
            } catch let error as ShipdeckError {
                problems.append(error)
            }
        }
        guard let first = problems.first else { return theme }
        if problems.count == 1 { throw first }
        let lines = problems.map { "  \($0.message)" + ($0.hint.map { " (\($0))" } ?? "") }
        throw ShipdeckError(.config, "theme \(source) has \(problems.count) mistakes:\n" + lines.joined(separator: "\n"),
                            hint: "see themes/README.md for the format")
    }

    private static func parseLine(_ rawLine: Substring, number: Int, source: String, into theme: inout Theme) throws {
        do {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
                .map(String.init)?.trimmingWhitespace() ?? ""
            if line.isEmpty { return }
            let place = "theme \(source) line \(number + 1)"
            guard let equals = line.firstIndex(of: "=") else {
                throw ShipdeckError(.config, "\(place): expected `role = FOREGROUND BACKGROUND [ATTRIBUTES]`, found `\(line)`",
                                    hint: "see themes/README.md for the format")
            }
            let key = String(line[..<equals]).trimmingWhitespace()
            let value = String(line[line.index(after: equals)...]).trimmingWhitespace()
            if key == "name" {
                theme.name = value
                return
            }
            if key == "description" { return }
            guard let role = StyleRole(rawValue: key) else {
                let names = StyleRole.allCases.map(\.rawValue)
                let near = Suggestions.closest(to: key, in: names)
                throw ShipdeckError(.config, "\(place): unknown role `\(key)`",
                                    hint: near.isEmpty ? "roles: \(names.joined(separator: ", "))"
                                        : "did you mean \(near.map { "`\($0)`" }.joined(separator: " or "))?")
            }
            let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard words.count >= 2 else {
                throw ShipdeckError(.config, "\(place): `\(key)` needs a foreground and a background colour",
                                    hint: "write `\(key) = default default` for the terminal's own colours")
            }
            var look = Look()
            look.foreground = try parseColor(words[0], place: place)
            look.background = try parseColor(words[1], place: place)
            for word in words.dropFirst(2) {
                guard let attribute = Attribute(rawValue: word.lowercased()) else {
                    throw ShipdeckError(.config, "\(place): unknown attribute `\(word)`",
                                        hint: "attributes: \(Attribute.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if !look.attributes.contains(attribute) { look.attributes.append(attribute) }
            }
            theme.looks[role] = look
        }
    }

    static func parseColor(_ word: String, place: String) throws -> Color {
        let parts = word.lowercased().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func one(_ text: String) -> Color? {
            if text == "default" { return .terminalDefault }
            if let index = colorNames.firstIndex(of: text) { return Color(full: index, eight: index) }
            if text.hasPrefix("bright-"), let index = colorNames.firstIndex(of: String(text.dropFirst(7))) {
                return Color(full: index + 8, eight: index)
            }
            if let number = Int(text), (0...255).contains(number) {
                return Color(full: number, eight: number < 8 ? number : number < 16 ? number - 8 : -1)
            }
            return nil
        }
        let bad = ShipdeckError(.config, "\(place): unknown colour `\(word)`",
                                hint: "use default, a name (\(colorNames.joined(separator: " ")), bright-NAME), "
                                    + "a number 0-255, or NUMBER/NAME")
        if parts.count == 2 {
            guard let full = one(parts[0]), let eight = one(parts[1]) else { throw bad }
            return Color(full: full.full, eight: eight.eight)
        }
        guard parts.count == 1, let color = one(parts[0]) else { throw bad }
        return color
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars.removeLast() }
        return String(scalars)
    }
}
