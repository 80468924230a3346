import CShipdeckPOSIX
import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// POSIX shell quoting for showing commands to people.
package enum ShellQuoting {
    package static func quote(_ word: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
