import ArgumentParser
import ShipdeckTUI

/// `--color auto|always|never`.
extension ColorMode: ExpressibleByArgument {}
