import Foundation

/// Shipdeck's own identity.
package enum Shipdeck {
    package static let version = "0.1.0"
}
