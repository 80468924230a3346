/// Copies of themes/*.theme built into the binary, so `--theme NAME` works wherever `shipdeck`
/// is installed. `ThemeCatalogTests` checks that they are identical to the files.
enum BuiltinThemes {
    static let names = ["default", "light", "high-contrast", "monochrome"]

    static func text(_ name: String) -> String? {
        switch name {
        case "default": return defaultTheme
        case "light": return lightTheme
        case "high-contrast": return highContrastTheme
        case "monochrome": return monochromeTheme
        default: return nil
        }
    }

    static let defaultTheme = #"""
# Shipdeck theme: default, for dark terminals.
# Format: themes/README.md. Each role: FOREGROUND BACKGROUND [ATTRIBUTES...];
# a colour is a name, a number 0-255, or NUMBER/NAME (256-colour value / 8-colour fallback).
name          = default
normal        = default default
header        = 231/white 24/blue bold
badge         = 16/black 214/yellow bold
title         = 250/white default
title-focused = 231/white 25/blue bold
border        = 240/white default dim
label         = 110/cyan default bold
dim           = 244/white default dim
queued        = 246/white default
running       = 75/cyan default bold
succeeded     = 114/green default
failed        = 203/red default bold
cancelled     = 180/yellow default
match         = 16/black 220/yellow
warning       = 214/yellow default
footer        = 252/white 236/black
key           = 231/white 236/black bold
message       = 16/black 153/cyan
overlay       = 231/white 236/black
"""# + "\n"

    static let lightTheme = #"""
# Shipdeck theme: light, for terminals with a light background.
# Format: themes/README.md.
name          = light
normal        = default default
header        = 16/black 153/cyan bold
badge         = 231/white 130/red bold
title         = 238/black default
title-focused = 231/white 25/blue bold
border        = 248/black default dim
label         = 25/blue default bold
dim           = 243/black default dim
queued        = 243/black default
running       = 25/blue default bold
succeeded     = 28/green default bold
failed        = 160/red default bold
cancelled     = 130/magenta default
match         = 16/black 228/yellow
warning       = 130/red default
footer        = 16/black 252/white
key           = 16/black 252/white bold
message       = 231/white 25/blue
overlay       = 16/black 254/white
"""# + "\n"

    static let highContrastTheme = #"""
# Shipdeck theme: high contrast. Pure colours, bold text, status cells in strong colours.
# Format: themes/README.md.
name          = high-contrast
normal        = default default
header        = 16/black 226/yellow bold
badge         = 231/white 196/red bold
title         = 231/white default bold
title-focused = 16/black 231/white bold
border        = 231/white default
label         = 226/yellow default bold
dim           = 231/white default
queued        = 231/white default
running       = 51/cyan default bold
succeeded     = 46/green default bold
failed        = 231/white 160/red bold
cancelled     = 226/yellow default bold
match         = 16/black 226/yellow bold
warning       = 226/yellow default bold
footer        = 16/black 231/white
key           = 16/black 231/white bold
message       = 16/black 51/cyan bold
overlay       = 231/white 16/black bold
"""# + "\n"

    static let monochromeTheme = #"""
# Shipdeck theme: monochrome. No colour at all: attributes only (also what every theme
# falls back to in a terminal without colour, with --color never or NO_COLOR).
# Format: themes/README.md.
name          = monochrome
normal        = default default
header        = default default reverse bold
badge         = default default bold underline
title         = default default
title-focused = default default reverse
border        = default default dim
label         = default default bold
dim           = default default dim
queued        = default default dim
running       = default default bold
succeeded     = default default
failed        = default default bold underline
cancelled     = default default dim
match         = default default reverse underline
warning       = default default bold
footer        = default default reverse
key           = default default reverse bold
message       = default default reverse bold
overlay       = default default
"""# + "\n"
}
