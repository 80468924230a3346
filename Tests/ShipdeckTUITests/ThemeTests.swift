import Foundation
import ShipdeckModel
import Testing
@testable import ShipdeckTUI

@Suite("Themes and colour")
struct ThemeTests {
    static let themesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes")

    @Test("the built-in copies are identical to themes/*.theme and every role is set", arguments: BuiltinThemes.names)
    func builtinMatchesFile(name: String) throws {
        let file = try String(contentsOf: Self.themesFolder.appendingPathComponent("\(name).theme"), encoding: .utf8)
        #expect(BuiltinThemes.text(name) == file, "regenerate BuiltinThemes.swift from themes/\(name).theme")
        let theme = try Theme.parse(file, source: name)
        #expect(theme.name == name)
        for role in StyleRole.allCases { #expect(theme.looks[role] != nil, "\(name) lacks \(role.rawValue)") }
    }

    @Test("monochrome has no colour; the colour themes have an 8-colour fallback for every colour")
    func tiers() throws {
        #expect(ThemeCatalog.builtin("monochrome").isColorless)
        for name in ["default", "light", "high-contrast"] {
            let theme = ThemeCatalog.builtin(name)
            #expect(!theme.isColorless)
            for (role, look) in theme.looks {
                for color in [look.foreground, look.background] where color.full >= 0 {
                    #expect(color.eight >= 0 && color.eight < 8, "\(name) \(role.rawValue)")
                }
            }
        }
    }

    @Test("the selected look is distinguishable without colour: status roles differ in attributes or glyph")
    func monochromeDistinguishes() {
        let mono = ThemeCatalog.builtin("monochrome")
        #expect(mono.look(.header).attributes.contains(.reverse))
        #expect(mono.look(.failed).attributes != mono.look(.succeeded).attributes)
        #expect(Set([Glyphs.unicode.queued, Glyphs.unicode.running, Glyphs.unicode.succeeded, Glyphs.unicode.failed,
                     Glyphs.unicode.cancelled]).count == 5)
        #expect(Set([Glyphs.ascii.queued, Glyphs.ascii.running, Glyphs.ascii.succeeded, Glyphs.ascii.failed,
                     Glyphs.ascii.cancelled]).count == 5)
    }

    @Test("colour tiers follow --color, NO_COLOR and the terminal")
    func colorTier() {
        func tier(_ mode: ColorMode, _ env: [String: String] = [:], colors: Int = 256, has: Bool = true) -> ColorTier {
            ColorTier.choose(mode: mode, environment: env, hasColors: has, colors: colors, pairs: 256)
        }
        #expect(tier(.auto) == .full256)
        #expect(tier(.auto, colors: 8) == .eight)
        #expect(tier(.auto, colors: 8, has: false) == .none)
        #expect(tier(.auto, ["NO_COLOR": "1"]) == .none)
        #expect(tier(.auto, ["NO_COLOR": ""]) == .full256, "an empty NO_COLOR does not count")
        #expect(tier(.always, ["NO_COLOR": "1"]) == .full256)
        #expect(tier(.never) == .none)
    }

    @Test("themes are found by name in SHIPDECK_THEMES, by path, or built in; unknown names are errors with a suggestion")
    func lookup() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shipdeck-themes-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "name = mine\nfailed = 196/red default bold underline\n".write(
            to: folder.appendingPathComponent("mine.theme"), atomically: true, encoding: .utf8)
        let env = ["SHIPDECK_THEMES": folder.path, "HOME": folder.path]
        let mine = try ThemeCatalog.load("mine", environment: env)
        #expect(mine.look(.failed) == Theme.Look(foreground: .init(full: 196, eight: 1), background: .terminalDefault,
                                                 attributes: [.bold, .underline]))
        #expect(mine.look(.header) == Theme.Look(), "unlisted roles look like normal")
        #expect(try ThemeCatalog.load(folder.appendingPathComponent("mine.theme").path, environment: [:]).name == "mine")
        #expect(try ThemeCatalog.load("light", environment: env).name == "light")
        #expect(try ThemeCatalog.load(nil, environment: env).name == "default")
        let error = #expect(throws: ShipdeckError.self) { try ThemeCatalog.load("hight-contrast", environment: env) }
        #expect(error?.message == "there is no theme named `hight-contrast`")
        #expect(error?.hint?.contains("did you mean `high-contrast`?") == true)
        #expect(error?.hint?.contains("mine") == true)
    }

    @Test("a broken theme file is an error naming the file, line and the fix", arguments: [
        ("header = white\n", "line 1: `header` needs a foreground and a background colour"),
        ("# c\nfailed = purple default\n", "line 2: unknown colour `purple`"),
        ("faild = red default\n", "line 1: unknown role `faild`"),
        ("failed = red default blink\n", "line 1: unknown attribute `blink`"),
        ("failed red default\n", "line 1: expected `role = FOREGROUND BACKGROUND [ATTRIBUTES]`"),
        ("failed = 300 default\n", "line 1: unknown colour `300`"),
    ])
    func errors(text: String, message: String) {
        let error = #expect(throws: ShipdeckError.self) { try Theme.parse(text, source: "x.theme") }
        #expect(error?.message.contains("theme x.theme \(message)") == true, "\(error?.message ?? "")")
        #expect(error?.hint != nil)
    }

    @Test("the dashboard rejects an unknown theme before it touches the terminal")
    func validate() {
        #expect(throws: ShipdeckError.self) {
            try Dashboard.validate(DashboardOptions(theme: "no-such-theme", environment: [:]))
        }
        #expect(throws: Never.self) { try Dashboard.validate(DashboardOptions(theme: "monochrome", environment: [:])) }
    }
}
