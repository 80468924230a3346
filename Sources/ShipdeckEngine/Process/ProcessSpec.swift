import CShipdeckPOSIX
import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A child process to run: always an absolute executable and an explicit environment.
package struct ProcessSpec: Sendable {
    package var executable: String
    package var arguments: [String]
    package var environment: [String: String]
    package var workingDirectory: String

    package init(executable: String, arguments: [String], environment: [String: String], workingDirectory: String) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// The command as a shell would take it, for plans and logs.
    package var commandLine: String { ([executable] + arguments).map(ShellQuoting.quote).joined(separator: " ") }
}
